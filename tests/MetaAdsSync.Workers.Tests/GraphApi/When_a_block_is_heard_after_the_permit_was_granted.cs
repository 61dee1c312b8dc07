using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_a_block_is_heard_after_the_permit_was_granted
{
    [Fact]
    public async Task Should_hand_the_permit_back_unused_and_call_only_with_a_permit_granted_after_the_block()
    {
        // The gate grants, then hears of a block before the call goes out (another process's notice, say): the last,
        // local check stops that call, and only the next permit's call reaches Meta.
        var gate = new BlockHeardAfterGrant();
        using var h = new GraphClientHarness(services: s => s.AddSingleton<IRateGate>(gate));
        h.Graph.Serve("act_1/campaigns", [new { id = "c1" }]);

        var pages = await h.Client.GetEntitiesAsync("act_1", EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync();

        Assert.Equal("c1", Assert.Single(pages.Single().Entities).Id);
        Assert.Single(h.Graph.Requests);
        Assert.Equal(1, pages.Single().GraphCalls);
        Assert.Equal((2, 2), (gate.Granted, gate.Returned));
        Assert.Equal(1, gate.SentWithPermit);
    }

    sealed class BlockHeardAfterGrant : IRateGate
    {
        int _granted;
        int _returned;
        int _checks;

        public int Granted => _granted;
        public int Returned => _returned;
        /// <summary>Which permit the call went out with (1 = the second one granted).</summary>
        public int SentWithPermit { get; private set; } = -1;

        public ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _granted);
            return ValueTask.FromResult<IAsyncDisposable>(new Permit(this));
        }

        public ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken)
        {
            SentWithPermit = _granted - 1;
            return ValueTask.CompletedTask;
        }

        public ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken) => ValueTask.FromResult(TimeSpan.Zero);

        // Blocked at the first check only: the block was heard between the first grant and its call.
        public TimeSpan KnownBlockFor(RateScope scope) => Interlocked.Increment(ref _checks) == 1 ? TimeSpan.FromSeconds(30) : TimeSpan.Zero;

        // Returned once however often it is disposed, as the real gates' permits are (the transport hands it back with its
        // report, and disposes it again on the way out).
        sealed class Permit(BlockHeardAfterGrant gate) : IAsyncDisposable
        {
            int _disposed;

            public ValueTask DisposeAsync()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Increment(ref gate._returned);
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
