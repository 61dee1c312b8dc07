using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using MassTransit;
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
/// Once the bus has started, runs what the first sync after a start would otherwise run on its critical path, without
/// sending anything: MassTransit's serializer builds its JSON contract of every message the host publishes, consumes
/// or answers with (a round trip of an empty message through its own options); the publish transport of each message
/// the host publishes is created (MassTransit still declares its exchange at the first send: that takes a message); and
/// the response pipes of its request clients are connected to the bus endpoint and let go, which starts the bus endpoint
/// (its temporary queue, which the first request would otherwise declare and wait for). The host reports ready only
/// after this (at most <see cref="WarmUpHold.Limit"/>); a warm-up that fails is logged and never stops the host.
/// </summary>
public sealed class MessagingWarmUp(MessageWarmUp messages, ILogger<MessagingWarmUp> logger) : IBusObserver, IHealthCheck
{
    static readonly MethodInfo PublishEndpointOf = typeof(MessagingWarmUp).GetMethod(nameof(PublishEndpointAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    static readonly MethodInfo ResponsePipeOf = typeof(MessagingWarmUp).GetMethod(nameof(ConnectResponsePipe), BindingFlags.NonPublic | BindingFlags.Static)!;

    readonly WarmUpHold _hold = new WarmUpHold("warming the message paths").StartCounting();
    int _started;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_hold.Check());

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        // A bus that restarts (the broker came back) is warm already.
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(() => WarmAsync(bus));
        }

        return Task.CompletedTask;
    }

    async Task WarmAsync(IBus bus)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            foreach (var type in messages.Published.Concat(messages.Serialized).Distinct())
            {
                RoundTrip(type);
            }

            RoundTripEnvelope();

            foreach (var type in messages.Published)
            {
                await ((Task)PublishEndpointOf.MakeGenericMethod(type).Invoke(null, [bus])!).ConfigureAwait(false);
            }

            var responses = messages.Responses ?? [];
            foreach (var type in responses)
            {
                ResponsePipeOf.MakeGenericMethod(type).Invoke(null, [bus]);
            }

            logger.LogInformation("Message paths warmed in {Elapsed} ms: {Published} publish transport(s), {Responses} response pipe(s) on the bus endpoint",
                watch.ElapsedMilliseconds, messages.Published.Count, responses.Count);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or TargetInvocationException
                                       or RabbitMqConnectionException or OperationCanceledException)
        {
            logger.LogInformation("Message paths not warmed at start: {Error}", ex.Message);
        }
        finally
        {
            _hold.Done();
        }
    }

    // Builds the serializer's contract of the type both ways; every member is absent, so nothing of a real message is needed.
    static void RoundTrip(Type type)
    {
        var empty = JsonSerializer.Deserialize("{}", type, SystemTextJsonMessageSerializer.Options);
        JsonSerializer.Serialize(empty, type, SystemTextJsonMessageSerializer.Options);
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

    // Creates the publish transport of T, as the first Publish<T> would; sends nothing.
    static async Task PublishEndpointAsync<T>(IBus bus) where T : class => await bus.GetPublishSendEndpoint<T>().ConfigureAwait(false);

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
}
