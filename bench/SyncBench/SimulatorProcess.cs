using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// The simulator as a process of its own (the built <c>src/GraphSimulator</c> host), so that its CPU is not the bench's,
/// watched and steered through its admin API (<c>/_sim/stats</c>, <c>/_sim/reset</c>, <c>/_sim/config</c>, <c>/_sim/truth</c>).
/// </summary>
sealed class SimulatorProcess : IAsyncDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    readonly HostProcess _host;
    readonly HttpClient _admin;

    SimulatorProcess(HostProcess host, string accessToken, IReadOnlyList<string> accountIds)
    {
        _host = host;
        _admin = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        AccessToken = accessToken;
        AccountIds = accountIds;
    }

    public Uri BaseUrl => _host.BaseAddress;
    public string AccessToken { get; }
    public int ProcessId => _host.ProcessId;

    /// <summary>Every account's id, in the order <c>me/adaccounts</c> lists them.</summary>
    public IReadOnlyList<string> AccountIds { get; }

    /// <summary>Starts the simulator with <paramref name="options"/> as its <c>Simulator:*</c> settings and waits until it is ready.</summary>
    public static async Task<SimulatorProcess> StartAsync(SimulatorOptions options)
    {
        var host = HostProcess.Start("GraphSimulator", Settings(options));
        try
        {
            await host.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
            using var admin = new HttpClient { BaseAddress = host.BaseAddress };
            var accounts = await admin.GetFromJsonAsync<List<AccountSummary>>("_sim/truth", Json) ?? [];
            return new SimulatorProcess(host, options.AccessTokens[0], accounts.Select(a => a.AccountId).ToList());
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async Task<SimulatorStats> GetStatsAsync() =>
        await _admin.GetFromJsonAsync<SimulatorStats>("_sim/stats", Json) ?? throw new InvalidOperationException("no stats");

    /// <summary>Clears the counters, the rate-limit usage and blocks; keeps the options.</summary>
    public async Task ResetAsync() => (await _admin.PostAsync("_sim/reset", null)).EnsureSuccessStatusCode();

    /// <summary>Changes settings at run time, e.g. <c>new { LatencyMs = 500 }</c>.</summary>
    public async Task ConfigureAsync(object patch)
    {
        using var response = await _admin.PostAsJsonAsync("_sim/config", patch, Json);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /_sim/config answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async Task<AccountTruth> GetTruthAsync(string accountId) =>
        await _admin.GetFromJsonAsync<AccountTruth>($"_sim/truth/{accountId}", Json) ?? throw new InvalidOperationException("the simulator has no " + accountId);

    /// <summary>Changes an object as an advertiser would (<c>POST /_sim/objects/{id}</c>).</summary>
    public async Task ChangeAsync(string id, ObjectChange change) =>
        (await _admin.PostAsJsonAsync($"_sim/objects/{id}", change, Json)).EnsureSuccessStatusCode();

    /// <summary>Creates an ad in the ad set (<c>POST /_sim/objects/{adSetId}/ads</c>).</summary>
    public async Task CreateAdAsync(string adSetId, NewObject ad) =>
        (await _admin.PostAsJsonAsync($"_sim/objects/{adSetId}/ads", ad, Json)).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<AccountSummary>> GetAccountsAsync() =>
        await _admin.GetFromJsonAsync<List<AccountSummary>>("_sim/truth", Json) ?? [];

    /// <summary>What PostgreSQL at <paramref name="postgres"/> holds for the accounts against this simulator's truth.</summary>
    public async Task<Checked> CompareAsync(string postgres, IEnumerable<string> accountIds)
    {
        var truths = new List<AccountTruth>();
        foreach (var accountId in accountIds)
        {
            truths.Add(await GetTruthAsync(accountId));
        }

        return await StoredData.CompareAsync(postgres, truths);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>The options as <c>Simulator__*</c> environment variables (lists by index, as configuration binds them).</summary>
    static Dictionary<string, string> Settings(SimulatorOptions options)
    {
        // As in-process: the simulator's own logging stays quiet, so that its output costs nothing.
        var settings = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(options, Json)!.AsObject())
        {
            var key = $"{SimulatorOptions.Section}__{char.ToUpperInvariant(name[0])}{name[1..]}";
            if (value is JsonArray list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    settings[$"{key}__{i.ToString(CultureInfo.InvariantCulture)}"] = Text(list[i]);
                }
            }
            else if (value is not null)
            {
                settings[key] = Text(value);
            }
        }

        return settings;
    }

    static string Text(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? "";
}
