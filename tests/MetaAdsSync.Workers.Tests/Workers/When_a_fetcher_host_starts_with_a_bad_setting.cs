using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_a_fetcher_host_starts_with_a_bad_setting(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    public static TheoryData<string, string, string, string> BadSettings => new()
    {
        { "EntityFetcher", "Meta__AccessToken", "", "Meta:AccessToken" },
        { "EntityFetcher", "Sync__EntityMaxAge", "-00:05:00", "Sync:EntityMaxAge" },
        { "EntityFetcher", "Sync__IncludeArchived", "sometimes", "Sync:IncludeArchived" },
        { "InsightFetcher", "Sync__InsightFetchConcurrency", "0", "Sync:InsightFetchConcurrency" },
        { "InsightFetcher", "Meta__AdPageSize", "0", "Meta:AdPageSize" },
        { "InsightFetcher", "Meta__BaseUrl", "not a url", "Meta:BaseUrl" },
        // A pacing setting left under its old name is refused, naming where it went.
        { "EntityFetcher", "Meta__MaxThrottleWait", "00:01:00", "Meta:MaxThrottleWait has moved: set RateGate:MaxThrottleWait instead." },
        { "InsightFetcher", "Meta__SlowdownFromPercent", "50", "Meta:SlowdownFromPercent has moved: set RateGate:SlowdownFromPercent instead." },
        { "EntityFetcher", "Postgres__MaxPoolSize", "0", "Postgres:MaxPoolSize" },
        { "InsightFetcher", "Postgres__AcquireTimeout", "00:30:00", "Postgres:AcquireTimeout" },
        // The pool's size is one setting per host, not also a connection string's.
        { "EntityFetcher", "ConnectionStrings__Postgres", "Host=127.0.0.1;Database=unused;Maximum Pool Size=50", "set Postgres:MaxPoolSize instead" },
        { "InsightFetcher", "ConnectionStrings__PostgresSession", "Host=127.0.0.1;Database=unused;Timeout=5", "set Postgres:AcquireTimeout instead" },
        { "EntityFetcher", "JitProfile__RecordFor", "00:00:00", "JitProfile:RecordFor" },
        { "InsightFetcher", "JitProfile__RecordFor", "a minute", "JitProfile:RecordFor" },
        { "EntityFetcher", "BackgroundJit__LowPriority", "sometimes", "BackgroundJit:LowPriority" },
        { "EntityFetcher", "JitSettle__Enabled", "sometimes", "JitSettle:Enabled" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Should_stop_naming_the_setting(string host, string variable, string value, string settingName)
    {
        var settings = HostSettings.For("Host=127.0.0.1;Database=unused", rabbit, new Dictionary<string, string> { [variable] = value });
        await using var process = HostProcess.Start(host, settings);

        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(settingName, process.Output, StringComparison.Ordinal);
    }
}
