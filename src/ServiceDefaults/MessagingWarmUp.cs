using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using MassTransit;
using MassTransit.Context;
using MassTransit.Metadata;
using MassTransit.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// What <see cref="MessagingWarmUp"/> warms in a host: the messages it publishes (<see cref="Published"/>: their publish
/// transport and their JSON contract), the others it consumes or answers with (<see cref="Serialized"/>: their
/// JSON contract only), and the responses its request clients await (<see cref="Responses"/>: their pipes on the bus endpoint).
/// </summary>
public sealed record MessageWarmUp(IReadOnlyList<Type> Published, IReadOnlyList<Type> Serialized, IReadOnlyList<Type>? Responses = null);

/// <summary>
/// Once the bus has started, runs what the first sync after a start would otherwise run on its critical path:
/// MassTransit's serializer builds its JSON contract of every message the host publishes, consumes or answers with (a
/// round trip of an empty message through its own options); each message the host publishes is sent once through its
/// publish transport (<see cref="SendToNoQueueAsync{T}"/>), which opens the transport's channel and declares its exchange
/// as the first real send would, but goes to no queue; and the response pipes of its request clients are connected to
/// the bus endpoint and let go, which starts the bus endpoint (its temporary queue, which the first request would
/// otherwise declare and wait for). The host reports ready only after this (at most <see cref="WarmUpHold.Limit"/>); a
/// warm-up that fails is logged and never stops the host.
/// </summary>
public sealed class MessagingWarmUp(MessageWarmUp messages, ILogger<MessagingWarmUp> logger) : IBusObserver, IReceiveEndpointObserver, IHealthCheck
{
    static readonly MethodInfo SendToNoQueueOf = typeof(MessagingWarmUp).GetMethod(nameof(SendToNoQueueAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    static readonly MethodInfo ResponsePipeOf = typeof(MessagingWarmUp).GetMethod(nameof(ConnectResponsePipe), BindingFlags.NonPublic | BindingFlags.Static)!;

    readonly WarmUpHold _hold = new WarmUpHold("warming the message paths").StartCounting();
    // Each receive endpoint publishes through transports of its own (a consumer's publish goes through its endpoint's), so
    // each is warmed as the bus's are.
    readonly System.Collections.Concurrent.ConcurrentQueue<IReceiveEndpoint> _endpoints = new();
    int _started;
    bool _warmed;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_hold.Check());

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        // A bus that restarts (the broker came back) is warm already.
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(() => WarmAsync(bus, busReady));
        }

        return Task.CompletedTask;
    }

    async Task WarmAsync(IBus bus, Task<BusReady> busReady)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var empty = messages.Published.Concat(messages.Serialized).Distinct().ToDictionary(type => type, RoundTrip);
            RoundTripEnvelope();

            using var timeout = new CancellationTokenSource(WarmUpHold.Limit);
            await busReady.WaitAsync(timeout.Token).ConfigureAwait(false);
            // Only RabbitMQ's transports are sent through (a test host's in-memory bus has nothing to warm).
            IPublishEndpointProvider[] publishers = bus.Topology is IRabbitMqBusTopology ? [bus, .. _endpoints] : [];
            Volatile.Write(ref _warmed, true);
            foreach (var publisher in publishers)
            {
                foreach (var type in messages.Published)
                {
                    await ((Task)SendToNoQueueOf.MakeGenericMethod(type).Invoke(null, [publisher, empty[type], timeout.Token])!).ConfigureAwait(false);
                }
            }

            var responses = messages.Responses ?? [];
            foreach (var type in responses)
            {
                ResponsePipeOf.MakeGenericMethod(type).Invoke(null, [bus]);
            }

            logger.LogInformation("Message paths warmed in {Elapsed} ms: {Published} publish transport(s) sent through to no queue, {Responses} response pipe(s) on the bus endpoint",
                watch.ElapsedMilliseconds, messages.Published.Count * publishers.Length, responses.Count);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or TargetInvocationException
                                       or MassTransitException or OperationCanceledException)
        {
            logger.LogInformation("Message paths not warmed at start: {Error}", ex.Message);
        }
        finally
        {
            _hold.Done();
        }
    }

    // Builds the serializer's contract of the type both ways; every member is absent, so nothing of a real message is
    // needed. Returns that empty message.
    static object RoundTrip(Type type)
    {
        var empty = JsonSerializer.Deserialize("{}", type, SystemTextJsonMessageSerializer.Options)
            ?? throw new JsonException($"{type.Name} read from {{}} as null");
        JsonSerializer.Serialize(empty, type, SystemTextJsonMessageSerializer.Options);
        return empty;
    }

    // The envelope every message travels in, with the members a sent message has: its contract (MassTransit's generated one)
    // and the converters of its dates, ids and headers are built and compiled at their first use otherwise, in the first
    // consume and the first send (measured: ~70 methods per host in the first sync after a restart).
    static void RoundTripEnvelope()
    {
        var envelope = new JsonMessageEnvelope
        {
            MessageId = NewId.NextGuid().ToString(),
            ConversationId = NewId.NextGuid().ToString(),
            CorrelationId = NewId.NextGuid().ToString(),
            SourceAddress = "rabbitmq://localhost/warm-up",
            DestinationAddress = "rabbitmq://localhost/warm-up",
            MessageType = ["urn:message:MetaAdsSync:WarmUp"],
            Message = new Dictionary<string, object?> { ["runId"] = Guid.Empty },
            SentTime = DateTime.UtcNow,
            Headers = new Dictionary<string, object?> { ["warm-up"] = 1 },
            Host = HostMetadataCache.Host,
        };
        var json = JsonSerializer.Serialize(envelope, SystemTextJsonMessageSerializer.Options);
        JsonSerializer.Deserialize<JsonMessageEnvelope>(json, SystemTextJsonMessageSerializer.Options);
    }

    /// <summary>
    /// Sends <paramref name="empty"/> through T's publish transport to RabbitMQ's default exchange under a routing key no
    /// queue has, where the broker drops it. The transport declares T's exchange on its channel before it sends, whatever
    /// the destination, so the first real publish finds the channel open and the exchange declared: measured, these were
    /// ~50 ms per message type and host on the first sync's critical path, one host after another (the Gateway's request,
    /// the saga's commands, the fetchers' pages). The destination is the send context's, set through the transport's own
    /// property names (those the outbox restores a send with); the send is refused before it leaves if it did not take.
    /// </summary>
    static async Task SendToNoQueueAsync<T>(IPublishEndpointProvider publisher, object empty, CancellationToken cancellationToken) where T : class
    {
        var endpoint = await publisher.GetPublishSendEndpoint<T>().ConfigureAwait(false);
        await endpoint.Send((T)empty, Pipe.Execute<SendContext<T>>(context =>
        {
            if (context is TransportSendContext transport)
            {
                transport.ReadPropertiesFrom(new Dictionary<string, object> { [RabbitMqExchangeProperty] = "", [RabbitMqRoutingKeyProperty] = NoQueue });
            }

            if (context is not RabbitMqSendContext { Exchange: "", RoutingKey: NoQueue })
            {
                throw new InvalidOperationException($"the warm-up send of {typeof(T).Name} could not be pointed away from its exchange");
            }

            context.Durable = false;
        }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A routing key no queue is bound by: on the default exchange, a message sent with it reaches nothing.</summary>
    const string NoQueue = "metaadssync.warm-up.no-queue";

    // MassTransit.RabbitMqTransport's RabbitMqTransportPropertyNames (internal), as MassTransit 8.5 names them.
    const string RabbitMqExchangeProperty = "RMQ-Exchange";
    const string RabbitMqRoutingKeyProperty = "RMQ-RoutingKey";

    // What a request client does first for each response type it awaits (this connects the bus endpoint), then lets go.
    static void ConnectResponsePipe<T>(IBus bus) where T : class =>
        bus.ConnectRequestPipe(NewId.NextGuid(), Pipe.Empty<ConsumeContext<T>>()).Disconnect();

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (!Volatile.Read(ref _warmed))
        {
            _endpoints.Enqueue(ready.ReceiveEndpoint);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
