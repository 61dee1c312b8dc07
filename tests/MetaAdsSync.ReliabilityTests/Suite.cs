using System.Text.Json;
using MetaAdsSync.GraphSimulator;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("MetaAdsSync.ReliabilityTests.SuiteOrder", "MetaAdsSync.ReliabilityTests")]

namespace MetaAdsSync.ReliabilityTests;

/// <summary>What every system of the suite shares: a distinctive access token, verbose logs, the account most scenarios sync.</summary>
public static class Suite
{
    /// <summary>2EZi: 49 campaigns, 182 ad sets, 798 ads (four pages at the ads edge's working limit), 117 eligible.</summary>
    public const string TwoEzi = "act_697495618573979";

    /// <summary>The Meta token of every system in the suite; the last scenario looks for it in every host's log.</summary>
    public static readonly string AccessToken = "reliability-token-" + Guid.NewGuid().ToString("N");

    /// <summary>The Gateway API key the hostile-client scenario configures and sends; searched for in the logs as the token is.</summary>
    public static readonly string ApiKey = "reliability-api-key-" + Guid.NewGuid().ToString("N");

    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The whole system on the suite's token, with the Graph client's and HttpClient's most verbose logs on (the
    /// level an operator chasing a Meta problem would turn on), so a token that reaches any log line is found.
    /// </summary>
    public static Task<SyncSystem> StartSystemAsync(
        Action<SimulatorOptions>? simulator = null, int entityFetchers = 1, int insightFetchers = 1, IReadOnlyDictionary<string, string>? settings = null,
        string? postgres = null, IReadOnlyDictionary<string, string>? broker = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Logging__LogLevel__MetaAdsSync"] = "Debug",
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Trace",
            ["Logging__LogLevel__Polly"] = "Debug",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return SyncSystem.StartAsync(s =>
        {
            s.AccessTokens = [AccessToken];
            simulator?.Invoke(s);
        }, entityFetchers, insightFetchers, all, postgres, broker);
    }

    public static Guid SyncId(JsonElement accepted) => accepted.GetProperty("syncId").GetGuid();

    /// <summary>Waits until the simulator has counted <paramref name="calls"/> calls of <paramref name="endpoint"/> for the account (counted on arrival).</summary>
    public static Task WaitForCallsAsync(RunningSimulator simulator, string accountId, string endpoint, long calls) =>
        Eventually.TrueAsync(() => Calls(simulator, accountId, endpoint) >= calls, $"{accountId} reaching {calls} '{endpoint}' call(s)", RunTimeout);

    public static long Calls(RunningSimulator simulator, string accountId, string endpoint) =>
        simulator.GetStats().Accounts.GetValueOrDefault(accountId)?.CallsByEndpoint.GetValueOrDefault(endpoint) ?? 0;
}

/// <summary>Runs the suite's classes by name, the access-token search last: it reads the logs every other scenario left.</summary>
public sealed class SuiteOrder : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => c.DisplayName.Contains(nameof(When_the_hosts_logs_are_searched_for_the_access_token), StringComparison.Ordinal))
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
