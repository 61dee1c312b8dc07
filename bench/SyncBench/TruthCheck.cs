using MetaAdsSync.GraphSimulator;
using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>What a database holds for accounts, against the simulator's truth: exact ids per level, insight rows for exactly the eligible entities with delivery.</summary>
static class TruthCheck
{
    public static async Task<Checked> CheckAsync(NpgsqlDataSource database, RunningSimulator simulator, IEnumerable<string> accountIds, string datePreset = "last_7d")
    {
        var result = new Checked(0, 0, []);
        foreach (var accountId in accountIds)
        {
            var truth = simulator.GetTruth(accountId) ?? throw new InvalidOperationException("the simulator has no " + accountId);
            var insights = truth.Insights[datePreset];
            foreach (var (table, level, ids, eligible, withDelivery) in new[]
            {
                ("campaigns", "campaign", truth.Campaigns.Ids, truth.Campaigns.InsightEligible, insights.Campaigns),
                ("ad_sets", "adset", truth.AdSets.Ids, truth.AdSets.InsightEligible, insights.AdSets),
                ("ads", "ad", truth.Ads.Ids, truth.Ads.InsightEligible, insights.Ads),
            })
            {
                var stored = await StringsAsync(database, $"SELECT id FROM {table} WHERE account_id = @a", accountId);
                var rows = await StringsAsync(database,
                    $"SELECT entity_id FROM insights WHERE account_id = @a AND level = '{level}' AND date_preset = @p", accountId, datePreset);
                var expectedRows = eligible.Intersect(withDelivery).ToHashSet();
                var problems = new List<string>(result.Problems);
                if (!stored.Order().SequenceEqual(ids.Order()))
                {
                    problems.Add($"{accountId} {table}: {stored.Count} stored, {ids.Count} expected");
                }

                if (!rows.ToHashSet().SetEquals(expectedRows) || rows.Count != expectedRows.Count)
                {
                    problems.Add($"{accountId} {level} insights: {rows.Count} stored, {expectedRows.Count} expected");
                }

                result = new Checked(result.Entities + stored.Count, result.InsightRows + rows.Count, problems);
            }
        }

        return result;
    }

    static async Task<List<string>> StringsAsync(NpgsqlDataSource database, string sql, string accountId, string? datePreset = null)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("a", accountId);
        if (datePreset is not null)
        {
            command.Parameters.AddWithValue("p", datePreset);
        }

        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}

/// <summary>Entities and insight rows found, and every way they differ from the truth (none: exact).</summary>
sealed record Checked(int Entities, int InsightRows, IReadOnlyList<string> Problems)
{
    public string Verdict => Problems.Count == 0 ? "exact" : $"{Problems.Count} mismatch(es): {string.Join("; ", Problems.Take(3))}";
}
