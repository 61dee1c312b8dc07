using System.Net.Http.Json;
using System.Text.Json;
using MetaAdsSync.GraphSimulator;
using MetaAdsSync.TestSupport;
using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// The real system, as <c>scripts/demo.sh</c> runs it: Orchestrator, Gateway and fetchers as separate processes on a fresh
/// database and virtual host, driven through the HTTP API. A run is timed from just before its POST to the
/// <c>finished_at</c> the saga wrote into <c>sync_runs</c> (same machine, same clock).
/// </summary>
sealed class OurSystem : IAsyncDisposable
{
    readonly List<HostProcess> _hosts = [];
    readonly RabbitMqFixture _rabbit;

    OurSystem(RabbitMqFixture rabbit, string postgres, HttpClient api)
    {
        _rabbit = rabbit;
        Database = NpgsqlDataSource.Create(postgres);
        Api = api;
    }

    public NpgsqlDataSource Database { get; }
    public HttpClient Api { get; }

    public static async Task<OurSystem> StartAsync(RunningSimulator simulator, int fetchersEach, IReadOnlyDictionary<string, string>? settings = null)
    {
        var rabbit = new RabbitMqFixture();
        await rabbit.InitializeAsync();
        var (postgres, _) = await PostgresFixture.CreateDatabaseAsync();
        var environment = HostSettings.For(postgres, rabbit, new Dictionary<string, string>
        {
            ["Meta__BaseUrl"] = simulator.BaseUrl.ToString().TrimEnd('/'),
            ["Meta__AccessToken"] = simulator.AccessToken,
            ["Gateway__SyncRequestsPerMinute"] = "100000",
        });
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var orchestrator = HostProcess.Start("Orchestrator", environment);
        var gateway = HostProcess.Start("Gateway", environment);
        var system = new OurSystem(rabbit, postgres, new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(2) });
        system._hosts.AddRange([orchestrator, gateway]);
        for (var i = 0; i < fetchersEach; i++)
        {
            system._hosts.Add(HostProcess.Start("EntityFetcher", environment));
            system._hosts.Add(HostProcess.Start("InsightFetcher", environment));
        }

        await HostProcess.WaitUntilAllReadyAsync(system._hosts, TimeSpan.FromMinutes(3));
        return system;
    }

    /// <summary>POSTs a sync; returns the run's id (an already running run's id when deduplicated).</summary>
    public async Task<Guid> RequestAsync(string accountId, string datePreset = "last_7d", bool force = true)
    {
        using var response = await Api.PostAsJsonAsync("api/meta-ads/sync", new { accountId, datePreset, force });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"POST /api/meta-ads/sync for {accountId} answered {(int)response.StatusCode}: {body}");
        }

        return body.GetProperty("syncId").GetGuid();
    }

    /// <summary>Waits for the run's <c>sync_runs</c> row (written when the saga finished it).</summary>
    public async Task<FinishedRun> WaitAsync(Guid runId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            await using (var command = Database.CreateCommand(
                "SELECT account_id, status, started_at, finished_at, graph_calls FROM sync_runs WHERE run_id = @id"))
            {
                command.Parameters.AddWithValue("id", runId);
                await using var reader = await command.ExecuteReaderAsync(cancel.Token);
                if (await reader.ReadAsync(cancel.Token))
                {
                    return new FinishedRun(runId, reader.GetString(0), reader.GetString(1),
                        reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4));
                }
            }

            await Task.Delay(15, cancel.Token);
        }
    }

    /// <summary>Requests every account at once; returns when all runs ended, with the time from the first POST to the last finish.</summary>
    public async Task<(TimeSpan Elapsed, IReadOnlyList<FinishedRun> Runs)> SyncAllAsync(IReadOnlyList<string> accountIds, TimeSpan timeout)
    {
        var started = DateTimeOffset.UtcNow;
        var ids = await Task.WhenAll(accountIds.Select(a => RequestAsync(a)));
        var runs = await Task.WhenAll(ids.Select(id => WaitAsync(id, timeout)));
        return (runs.Max(r => r.FinishedAt) - started, runs);
    }

    /// <summary>Seconds Graph calls waited at the rate gate and how many calls were gated, over every host, from their /metrics.</summary>
    public async Task<GateWait> GateWaitAsync()
    {
        var total = new GateWait(0, 0);
        using var http = new HttpClient();
        foreach (var host in _hosts)
        {
            var metrics = await http.GetStringAsync(new Uri(host.BaseAddress, "metrics"));
            foreach (var line in metrics.Split('\n'))
            {
                // name{labels} value [timestamp]
                var rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
                var value = rest.Trim().Split(' ')[0];
                if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var v))
                {
                    continue;
                }

                if (line.StartsWith("metaadssync_rategate_wait_seconds_sum", StringComparison.Ordinal))
                {
                    total = total with { Seconds = total.Seconds + v };
                }
                else if (line.StartsWith("metaadssync_rategate_wait_seconds_count", StringComparison.Ordinal))
                {
                    total = total with { Calls = total.Calls + (long)v };
                }
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Database.DisposeAsync();
        await _rabbit.DisposeAsync();
    }
}

/// <summary>Time spent waiting at the rate gate, summed over calls; <see cref="Since"/> gives a period's share.</summary>
sealed record GateWait(double Seconds, long Calls)
{
    public GateWait Since(GateWait earlier) => new(Seconds - earlier.Seconds, Calls - earlier.Calls);

    public override string ToString() => Calls == 0 ? "no gated calls" :
        $"{Calls} gated calls waited {Format.Seconds(Seconds)} in all, {Format.Seconds(Seconds / Calls)} per call on average";
}

sealed record FinishedRun(Guid RunId, string AccountId, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int GraphCalls);
