using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
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
    /// <summary>Configured as a bare string, the shape before keys had ids.</summary>
    public const string ApiKey = "test-api-key-0123456789";
    public const string SecondKey = "second-api-key-0123456789";
    /// <summary>Configured as its SHA-256 only.</summary>
    public const string HashedKey = "hashed-api-key-0123456789";
    /// <summary>For <see cref="ScopedAccounts"/> only.</summary>
    public const string ScopedKey = "scoped-api-key-0123456789";
    public static readonly string[] ScopedAccounts = ["act_697495618573979", "act_884102937465120"];
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
        // Tests start once the Gateway is ready (its bus started, its message paths warmed), as a load balancer would send it traffic.
        using var probe = Factory.CreateClient();
        await Eventually.TrueAsync(async () => (await probe.GetAsync("health/ready")).IsSuccessStatusCode, "the Gateway reports ready", TimeSpan.FromSeconds(90));
    }

    public Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = HostSettings.For(Postgres, _rabbit, new Dictionary<string, string>
        {
            ["Meta__BaseUrl"] = Simulator.BaseUrl.ToString().TrimEnd('/'),
            ["Meta__AccessToken"] = Simulator.AccessToken,
            ["Gateway__AllowAnonymous"] = "false",
            ["Gateway__ApiKeys__0"] = ApiKey,
            ["Gateway__ApiKeys__1__Id"] = "second",
            ["Gateway__ApiKeys__1__Key"] = SecondKey,
            ["Gateway__ApiKeys__2__Id"] = "hashed",
            ["Gateway__ApiKeys__2__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(HashedKey))),
            ["Gateway__ApiKeys__3__Id"] = "scoped",
            ["Gateway__ApiKeys__3__Key"] = ScopedKey,
            ["Gateway__ApiKeys__3__Accounts__0"] = ScopedAccounts[0],
            ["Gateway__ApiKeys__3__Accounts__1"] = ScopedAccounts[1],
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
    public WebApplicationFactory<GatewayOptions> CreateFactory(IReadOnlyDictionary<string, string> settings, Action<IWebHostBuilder>? configure = null) =>
        new WebApplicationFactory<GatewayOptions>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }

            configure?.Invoke(web);
        });

    public HttpClient Client(bool authenticated = true) => authenticated ? Client(Factory, ApiKey) : Factory.CreateClient();

    /// <summary>A client of <paramref name="factory"/> that sends <paramref name="key"/> as its bearer token.</summary>
    public static HttpClient Client(WebApplicationFactory<GatewayOptions> factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
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
