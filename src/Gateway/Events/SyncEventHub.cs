using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;

namespace MetaAdsSync.Gateway.Events;

/// <summary>
/// Hands the run events this Gateway receives to the event streams open on it, per run. A stream subscribes before it
/// reads the run's current state, so nothing published in between is missed.
/// </summary>
public sealed class SyncEventHub
{
    // A slow reader loses the oldest events, never the newest: each progress event carries the whole state, and the
    // outcome is the last event of a run.
    static readonly BoundedChannelOptions PerStream = new(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true };

    readonly ConcurrentDictionary<Guid, ImmutableList<Channel<object>>> _streams = new();

    public Subscription Subscribe(Guid runId)
    {
        var channel = Channel.CreateBounded<object>(PerStream);
        _streams.AddOrUpdate(runId, _ => [channel], (_, list) => list.Add(channel));
        return new Subscription(this, runId, channel);
    }

    public void Publish(Guid runId, object message)
    {
        if (_streams.TryGetValue(runId, out var channels))
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>Streams open on this Gateway (for the tests: a closed stream leaves nothing behind).</summary>
    public int OpenStreams => _streams.Values.Sum(l => l.Count);

    void Unsubscribe(Guid runId, Channel<object> channel)
    {
        while (_streams.TryGetValue(runId, out var list))
        {
            var rest = list.Remove(channel);
            var done = rest.IsEmpty
                ? _streams.TryRemove(new KeyValuePair<Guid, ImmutableList<Channel<object>>>(runId, list))
                : _streams.TryUpdate(runId, rest, list);
            if (done)
            {
                return;
            }
        }
    }

    public sealed class Subscription(SyncEventHub hub, Guid runId, Channel<object> channel) : IDisposable
    {
        int _disposed;

        public ChannelReader<object> Events => channel.Reader;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Unsubscribe(runId, channel);
            }
        }
    }
}
