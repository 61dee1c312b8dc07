using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// What <see cref="MessagingWarmUp"/> warms in a host: the messages it publishes (<see cref="Published"/>: their publish
/// transport and their JSON contract), and the others it consumes or answers with (<see cref="Serialized"/>: their
/// JSON contract only).
/// </summary>
public sealed record MessageWarmUp(IReadOnlyList<Type> Published, IReadOnlyList<Type> Serialized);

/// <summary>
/// Once the bus has started, runs what the first sync after a start would otherwise run on its critical path, without
/// sending anything: MassTransit's serializer builds its JSON contract of every message the host publishes, consumes
/// or answers with (a round trip of an empty message through its own options), and the publish transport of each
/// message the host publishes is created. The host reports ready only after this (at most <see cref="Limit"/>); a warm-up that fails is
/// logged and never stops the host.
/// </summary>
public sealed class MessagingWarmUp(MessageWarmUp messages, ILogger<MessagingWarmUp> logger) : IBusObserver, IHealthCheck
{
    /// <summary>The longest the warm-up holds readiness back: on a machine too busy to finish it, the host serves cold.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    static readonly MethodInfo PublishEndpointOf = typeof(MessagingWarmUp).GetMethod(nameof(PublishEndpointAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Stopwatch _sinceCreated = Stopwatch.StartNew();
    int _started;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done.Task.IsCompleted || _sinceCreated.Elapsed > Limit
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Not ready: warming the message paths"));

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

            foreach (var type in messages.Published)
            {
                await ((Task)PublishEndpointOf.MakeGenericMethod(type).Invoke(null, [bus])!).ConfigureAwait(false);
            }

            logger.LogInformation("Message paths warmed in {Elapsed} ms", watch.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or TargetInvocationException
                                       or RabbitMqConnectionException or OperationCanceledException)
        {
            logger.LogInformation("Message paths not warmed at start: {Error}", ex.Message);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    // Builds the serializer's contract of the type both ways; every member is absent, so nothing of a real message is needed.
    static void RoundTrip(Type type)
    {
        var empty = JsonSerializer.Deserialize("{}", type, SystemTextJsonMessageSerializer.Options);
        JsonSerializer.Serialize(empty, type, SystemTextJsonMessageSerializer.Options);
    }

    // Creates the publish transport (and its topology) of T, as the first Publish<T> would; sends nothing.
    static async Task PublishEndpointAsync<T>(IBus bus) where T : class => await bus.GetPublishSendEndpoint<T>().ConfigureAwait(false);

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
