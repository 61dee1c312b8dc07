using System.Collections.Concurrent;
using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>
/// The Gateway in-process (WebApplicationFactory) on the real PostgreSQL and RabbitMQ, the simulator in-process as
/// Meta, and a real Orchestrator process answering sync requests. Records every message the Gateway publishes.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string ApiKey = "test-api-key-0123456789";
    public const string CronSecret = "test-cron-secret-0123456789";

    readonly RabbitMqFixture _rabbit = new();
    HostProcess? _orchestrator;

    public RunningSimulator Simulator { get; private set; } = null!;
    public string Postgres { get; private set; } = "";
    public WebApplicationFactory<GatewayOptions> Factory { get; private set; } = null!;
    public ConcurrentQueue<object> Published { get; } = new();

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorApp.StartAsync(new SimulatorOptions { CallBudget = 1_000_000 });
        await _rabbit.InitializeAsync();
        (Postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        await using (var db = StorageRegistration.CreateContext(Postgres))
        {
            await SchemaMigrator.MigrateAsync(db, default);
        }

        var settings = Settings();
        _orchestrator = HostProcess.Start("Orchestrator", settings);
        await _orchestrator.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

        Factory = CreateFactory(settings);
        Factory.Services.GetRequiredService<IBus>().ConnectPublishObserver(new Recorder(Published));
    }

    public Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = HostSettings.For(Postgres, _rabbit, new Dictionary<string, string>
        {
            ["Meta__BaseUrl"] = Simulator.BaseUrl.ToString().TrimEnd('/'),
            ["Meta__AccessToken"] = Simulator.AccessToken,
            ["Gateway__AllowAnonymous"] = "false",
            ["Gateway__ApiKeys__0"] = ApiKey,
            ["Cron__Secret"] = CronSecret,
            ["Scheduler__Spacing"] = "00:00:00",
        });
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Another Gateway on the same database and broker, with some settings changed.</summary>
    public WebApplicationFactory<GatewayOptions> CreateFactory(IReadOnlyDictionary<string, string> settings) =>
        new WebApplicationFactory<GatewayOptions>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }
        });

    public HttpClient Client(bool authenticated = true)
    {
        var client = Factory.CreateClient();
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);
        }

        return client;
    }

    public int PublishedSyncRequests => Published.Count(m => m is SyncAccountRequested);

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync();
        }

        await _rabbit.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    sealed class Recorder(ConcurrentQueue<object> published) : IPublishObserver
    {
        public Task PrePublish<T>(PublishContext<T> context) where T : class
        {
            published.Enqueue(context.Message);
            return Task.CompletedTask;
        }

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
