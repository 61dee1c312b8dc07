using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>Scenario 7: 50 concurrent <c>POST /api/meta-ads/sync</c> for one account: one run, 50 answers naming it.</summary>
public sealed class When_50_clients_ask_for_one_account_at_once
{
    [Fact]
    public async Task Should_start_one_run_and_give_all_50_its_sync_id()
    {
        // Slow enough that the run is still going when the last request arrives on a loaded machine.
        await using var system = await Suite.StartSystemAsync(s => s.LatencyMs = 1000);
        using var client = new HttpClient { BaseAddress = system.Gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await go.Task;
            using var response = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Suite.TwoEzi, datePreset = "last_7d" });
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }).ToList();
        go.SetResult();
        var sync = await Task.WhenAll(requests);

        Assert.All(sync, a => Assert.True(a.StatusCode == HttpStatusCode.Accepted, $"{(int)a.StatusCode}: {a.Body}"));
        var runIds = sync.Select(a => Suite.SyncId(a.Body)).Distinct().ToList();
        Assert.Single(runIds);
        Assert.Single(sync, a => !a.Body.GetProperty("deduplicated").GetBoolean());
        await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, runIds[0]);
        await RunChecks.AssertOneRowPerRunAsync(system, Suite.TwoEzi, runIds);
        // One run read each level once.
        Assert.Equal(1, Suite.Calls(system.Simulator, Suite.TwoEzi, "campaigns"));
    }
}
