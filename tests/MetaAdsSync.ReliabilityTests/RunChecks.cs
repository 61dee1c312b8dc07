using System.Text.Json;
using Npgsql;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>What every scenario checks against the simulator's truth once its runs ended.</summary>
public static class RunChecks
{
    /// <summary>
    /// The run completed; PostgreSQL holds exactly the account's entities and the insight rows of exactly its eligible
    /// entities with delivery, each once; the run has one sync_runs row with the true counts; the account is stamped
    /// with a time within that run (when its data was read from Meta).
    /// </summary>
    public static async Task AssertCompletedExactlyAsync(SyncSystem system, string accountId, Guid runId, string datePreset = "last_7d")
    {
        var run = await system.WaitForEnd(runId, Suite.RunTimeout);
        Assert.True(run.GetProperty("status").GetString() == "Completed", $"run {runId} of {accountId} ended {run}");
        await StoredData.AssertMatchesTruthAsync(system.Postgres, system.Simulator, accountId, datePreset);

        var truth = system.Simulator.GetTruth(accountId)!;
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand(
            "SELECT count(*) OVER (), status, campaigns, ad_sets, ads, eligible, finished_at, started_at FROM sync_runs WHERE run_id = @run", connection))
        {
            command.Parameters.AddWithValue("run", runId);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"run {runId} has no sync_runs row");
            Assert.Equal(1L, reader.GetInt64(0));
            Assert.Equal("Completed", reader.GetString(1));
            Assert.Equal(
                (truth.Campaigns.Ids.Count, truth.AdSets.Ids.Count, truth.Ads.Ids.Count,
                    truth.Campaigns.InsightEligible.Count + truth.AdSets.InsightEligible.Count + truth.Ads.InsightEligible.Count),
                (reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5)));
            var finishedAt = reader.GetFieldValue<DateTimeOffset>(6);
            var startedAt = reader.GetFieldValue<DateTimeOffset>(7);
            await reader.CloseAsync();

            await using var account = new NpgsqlCommand("SELECT last_synced_at, last_sync_status, last_run_id FROM ad_accounts WHERE id = @a", connection);
            account.Parameters.AddWithValue("a", accountId);
            await using var row = await account.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            // last_synced_at is when the data was last read from Meta: the run's end, or the read time of a level it
            // read itself and then answered again from PostgreSQL (a redelivered or re-driven level): within the run.
            Assert.InRange(row.GetFieldValue<DateTimeOffset>(0), startedAt, finishedAt);
            Assert.Equal(("Completed", runId), (row.GetString(1), row.GetGuid(2)));
        }
    }

    /// <summary>Every run the account was asked for has exactly one sync_runs row, and there are no others.</summary>
    public static async Task AssertOneRowPerRunAsync(SyncSystem system, string accountId, IReadOnlyCollection<Guid> runIds)
    {
        await using var connection = new NpgsqlConnection(system.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT run_id FROM sync_runs WHERE account_id = @a", connection);
        command.Parameters.AddWithValue("a", accountId);
        var rows = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetGuid(0));
        }

        Assert.Equal(runIds.Order(), rows.Order());
    }

    public static string Status(JsonElement run) => run.GetProperty("status").GetString()!;
}
