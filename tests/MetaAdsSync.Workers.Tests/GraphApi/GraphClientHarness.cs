using MetaAdsSync.GraphApi;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.Workers.Tests.GraphApi;

/// <summary>The real client, wired as the hosts wire it, over a <see cref="FakeGraph"/>; every log line captured.</summary>
public sealed class GraphClientHarness : IDisposable
{
    readonly ServiceProvider _services;

    public GraphClientHarness(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Meta:BaseUrl"] = FakeGraph.BaseUrl,
            ["Meta:AccessToken"] = FakeGraph.Token,
            ["Meta:RetryBaseDelay"] = "00:00:00.001",
            ["Meta:RetryMaxDelay"] = "00:00:00.010",
            ["Meta:MaxRetryAttempts"] = "3",
            ["RateGate:DefaultThrottleWait"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? [])
        {
            configuration[key] = value;
        }

        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services?.Invoke(collection);
        collection.AddMetaGraphApi();
        collection.AddHttpClient(GraphTransport.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Graph);
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeGraph Graph { get; } = new();
    public LogCapture Logs { get; } = new();
    public IMetaGraphClient Client => _services.GetRequiredService<IMetaGraphClient>();
    public IPageSizeMemory PageSizes => _services.GetRequiredService<IPageSizeMemory>();
    public IServiceProvider ServiceProvider => _services;

    public void Dispose() => _services.Dispose();

    public static IEnumerable<object> Ads(int count, Func<int, object>? make = null) =>
        Enumerable.Range(1, count).Select(i => make?.Invoke(i) ?? new
        {
            id = $"23850{i:D6}",
            name = $"Ad {i}",
            campaign_id = "c1",
            adset_id = "s1",
            status = "ACTIVE",
            effective_status = i % 3 == 0 ? "PAUSED" : "ACTIVE",
            created_time = "2026-08-12T17:08:55+0000",
            updated_time = "2026-08-13T09:00:00+0000",
            creative = new { id = $"cr{i}", title = "Title", body = "Body", image_url = "https://img.test/a.png", thumbnail_url = "https://img.test/t.png" },
        });
}
