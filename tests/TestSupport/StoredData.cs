using MetaAdsSync.GraphSimulator;
using Npgsql;

namespace MetaAdsSync.TestSupport;

/// <summary>Checks what PostgreSQL holds for an account against the simulator's truth: exact ids, each once.</summary>
public static class StoredData
{
    public static async Task AssertMatchesTruthAsync(string postgres, RunningSimulator simulator, string accountId, string datePreset = "last_7d")
    {
        var truth = simulator.GetTruth(accountId) ?? throw new InvalidOperationException("the simulator has no " + accountId);
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();

        var insights = truth.Insights[datePreset];
        foreach (var (table, level, ids, eligible, withDelivery) in new[]
        {
            ("campaigns", "campaign", truth.Campaigns.Ids, truth.Campaigns.InsightEligible, insights.Campaigns),
            ("ad_sets", "adset", truth.AdSets.Ids, truth.AdSets.InsightEligible, insights.AdSets),
            ("ads", "ad", truth.Ads.Ids, truth.Ads.InsightEligible, insights.Ads),
        })
        {
            var stored = await Strings(connection, $"SELECT id FROM {table} WHERE account_id = @a", accountId);
            Assert.Equal(ids.Order(), stored.Order());

            var expectedRows = eligible.Intersect(withDelivery).Order().ToList();
            var storedRows = await Strings(connection,
                $"SELECT entity_id FROM insights WHERE account_id = @a AND level = '{level}' AND date_preset = '{datePreset}'", accountId);
            Assert.Equal(expectedRows, storedRows.Order());
        }
    }

    public static async Task<(DateTimeOffset? LastSyncedAt, string? Status)> AccountAsync(string postgres, string accountId)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT last_synced_at, last_sync_status FROM ad_accounts WHERE id = @a", connection);
        command.Parameters.AddWithValue("a", accountId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), accountId + " has no ad_accounts row");
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    public static async Task<List<string>> Strings(NpgsqlConnection connection, string sql, string accountId)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("a", accountId);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
