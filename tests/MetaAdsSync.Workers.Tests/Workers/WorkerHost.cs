using System.Collections.Concurrent;
using MassTransit;
using MetaAdsSync.Storage;
using MetaAdsSync.Contracts;
using MetaAdsSync.EntityFetcher;
using MetaAdsSync.GraphApi;
using MetaAdsSync.InsightFetcher;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.Workers.Tests.Workers;

/// <summary>
/// Both fetcher workers in one in-process host, wired as their Program.cs wires them, on the real RabbitMQ virtual
/// host and PostgreSQL database of the test class, plus a recorder of every event the workers send back.
/// The Graph API is either a <see cref="FakeGraph"/> handler or a real URL (the simulator).
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    readonly IHost _host;

    WorkerHost(IHost host, Recorder recorder, LogCapture logs)
    {
        _host = host;
        Recorded = recorder;
        Logs = logs;
    }

    public Recorder Recorded { get; }
    public LogCapture Logs { get; }
    public IServiceProvider Services => _host.Services;

    public static async Task<WorkerHost> StartAsync(
        RabbitMqFixture rabbit,
        MigratedDatabase database,
        HttpMessageHandler? graph = null,
        Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var configuration = rabbit.HostEnvironment.ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        configuration["ConnectionStrings:Postgres"] = database.ConnectionString;
        configuration["Meta:BaseUrl"] = FakeGraph.BaseUrl;
        configuration["Meta:AccessToken"] = FakeGraph.Token;
        configuration["Meta:RetryBaseDelay"] = "00:00:00.010";
        configuration["Meta:RetryMaxDelay"] = "00:00:00.100";
        configuration["RateGate:DefaultThrottleWait"] = "00:00:00.500";
        configuration["Sync:ConsumerRetryInterval"] = "00:00:00.100";
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        var logs = new LogCapture();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        var recorder = new Recorder();
        builder.Services.AddSingleton(recorder);

        builder.AddStorage(ConnectionBudget.EntityFetcher);
        builder.AddEntityFetcher();
        builder.AddInsightFetcher();
        if (graph is not null)
        {
            builder.Services.AddHttpClient(GraphTransport.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => graph);
        }

        builder.AddMessaging(x =>
        {
            x.AddEntityFetcherConsumers();
            x.AddInsightFetcherConsumers();
            x.AddConsumer<RecordingConsumer>();
        });

        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return new WorkerHost(host, recorder, logs);
    }

    public Task PublishAsync<T>(T message) where T : class => _host.Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>Waits until the last page of the run's level, or its failure, has been announced.</summary>
    public Task<IReadOnlyList<object>> LevelDoneAsync(Guid runId, EntityLevel level) =>
        Recorded.WaitAsync(runId, m => m is EntitiesFetched { IsLastPage: true } p && p.Level == level || m is EntityFetchFailed f && f.Level == level, Patience);

    public async Task<object> BatchDoneAsync(Guid runId, Guid batchId) =>
        (await Recorded.WaitAsync(runId, m => m is InsightsBatchFetched f && f.BatchId == batchId || m is InsightsBatchFailed e && e.BatchId == batchId, Patience))
        .Last(m => m is InsightsBatchFetched or InsightsBatchFailed);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    public sealed class Recorder
    {
        readonly ConcurrentQueue<(Guid RunId, object Message)> _messages = new();

        public void Add(Guid runId, object message) => _messages.Enqueue((runId, message));

        public IReadOnlyList<object> For(Guid runId) => _messages.Where(m => m.RunId == runId).Select(m => m.Message).ToList();

        public async Task<IReadOnlyList<object>> WaitAsync(Guid runId, Func<object, bool> done, TimeSpan patience)
        {
            await WaitUntilAsync(() => For(runId).Any(done), patience);
            return For(runId);
        }

        public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan patience)
        {
            await Eventually.TrueAsync(condition, "the awaited messages", patience, pause: TimeSpan.FromMilliseconds(50));

            // Anything sent along with the awaited message is in by now; a straggler would be a bug the assertions catch.
            await Task.Delay(200, CancellationToken.None);
        }
    }

    public sealed class RecordingConsumer(Recorder recorder) :
        IConsumer<EntitiesFetched>, IConsumer<EntityFetchFailed>, IConsumer<InsightsBatchFetched>, IConsumer<InsightsBatchFailed>
    {
        public Task Consume(ConsumeContext<EntitiesFetched> context) => Record(context.Message.RunId, context.Message);
        public Task Consume(ConsumeContext<EntityFetchFailed> context) => Record(context.Message.RunId, context.Message);
        public Task Consume(ConsumeContext<InsightsBatchFetched> context) => Record(context.Message.RunId, context.Message);
        public Task Consume(ConsumeContext<InsightsBatchFailed> context) => Record(context.Message.RunId, context.Message);

        Task Record(Guid runId, object message)
        {
            recorder.Add(runId, message);
            return Task.CompletedTask;
        }
    }
}
