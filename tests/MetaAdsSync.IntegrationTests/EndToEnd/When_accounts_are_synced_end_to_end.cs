using System.Text.Json;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>Gateway → saga → fetchers → simulator → PostgreSQL, all real processes on the real broker and database.</summary>
public class When_accounts_are_synced_end_to_end
{
    const string TwoEzi = "act_697495618573979";
    static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Should_copy_2ezi_exactly_and_let_a_second_request_join_the_run()
    {
        await using var system = await SyncSystem.StartAsync(s => s.LatencyMs = 50);

        var first = await system.RequestSync(TwoEzi);
        var second = await system.RequestSync(TwoEzi);

        var syncId = first.GetProperty("syncId").GetGuid();
        Assert.Equal(syncId, second.GetProperty("syncId").GetGuid());
        Assert.True(second.GetProperty("deduplicated").GetBoolean());
        var run = await system.WaitForEnd(syncId, RunTimeout);
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var entities = run.GetProperty("entities");
        Assert.Equal((49, 182, 798), (entities.GetProperty("campaigns").GetInt32(), entities.GetProperty("adSets").GetInt32(), entities.GetProperty("ads").GetInt32()));
        Assert.Equal(117, run.GetProperty("eligible").GetInt32());
        await StoredData.AssertMatchesTruthAsync(system.Postgres, system.Simulator, TwoEzi);
        var (syncedAt, status) = await StoredData.AccountAsync(system.Postgres, TwoEzi);
        Assert.Equal("Completed", status);
        Assert.NotNull(syncedAt);
    }

    [Fact]
    public async Task Should_complete_all_twelve_seed_accounts_requested_at_once()
    {
        await using var system = await SyncSystem.StartAsync(entityFetchers: 2, insightFetchers: 2);
        var accounts = system.Simulator.AccountIds;

        var requests = await Task.WhenAll(accounts.Select(a => system.RequestSync(a)));
        var runs = await Task.WhenAll(requests.Select(r => system.WaitForEnd(r.GetProperty("syncId").GetGuid(), RunTimeout)));

        Assert.All(runs, r => Assert.Equal("Completed", r.GetProperty("status").GetString()));
        Assert.Equal(1833, runs.Sum(r => Entities(r)));
        Assert.Equal(243, runs.Sum(r => r.GetProperty("eligible").GetInt32()));
        foreach (var account in accounts)
        {
            await StoredData.AssertMatchesTruthAsync(system.Postgres, system.Simulator, account);
        }
    }

    [Fact]
    public async Task Should_fail_accounts_the_token_may_not_read_or_meta_does_not_know_while_the_others_complete()
    {
        const string Forbidden = "act_756610284419937";
        const string Unknown = "act_100000000000001";
        await using var system = await SyncSystem.StartAsync(s => s.AccountsWithoutPermission = [Forbidden]);
        await RegisterUnknownAccount(system, Unknown);

        var requests = await Task.WhenAll(new[] { Forbidden, Unknown, "act_967045528830171" }.Select(a => system.RequestSync(a)));
        var runs = await Task.WhenAll(requests.Select(r => system.WaitForEnd(r.GetProperty("syncId").GetGuid(), RunTimeout)));

        Assert.Equal(["Failed", "Failed", "Completed"], runs.Select(r => r.GetProperty("status").GetString()));
        Assert.Contains("200", runs[0].GetProperty("error").GetString());
        Assert.Contains("100", runs[1].GetProperty("error").GetString());
        Assert.Null((await StoredData.AccountAsync(system.Postgres, Forbidden)).LastSyncedAt);
        await StoredData.AssertMatchesTruthAsync(system.Postgres, system.Simulator, "act_967045528830171");
    }

    static int Entities(JsonElement run)
    {
        var e = run.GetProperty("entities");
        return e.GetProperty("campaigns").GetInt32() + e.GetProperty("adSets").GetInt32() + e.GetProperty("ads").GetInt32();
    }

    /// <summary>An account the accounts list of our database names, but Meta (the simulator) does not know.</summary>
    static async Task RegisterUnknownAccount(SyncSystem system, string accountId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "INSERT INTO ad_accounts (id, name, refreshed_at) VALUES (@id, 'Gone', now()) ON CONFLICT DO NOTHING", connection);
        command.Parameters.AddWithValue("id", accountId);
        await command.ExecuteNonQueryAsync();
    }
}
