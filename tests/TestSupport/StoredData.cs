using MetaAdsSync.GraphSimulator;
using Npgsql;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// What PostgreSQL holds for accounts against the simulator's truth: exact ids per level, each once, and insight rows
/// for exactly the eligible entities with delivery. The tests assert it; the benchmark reports it.
/// </summary>
public static class StoredData
{
    public static async Task AssertMatchesTruthAsync(string postgres, RunningSimulator simulator, string accountId, string datePreset = "last_7d")
    {
        var found = await CompareAsync(postgres, simulator, [accountId], datePreset);
        Assert.True(found.Problems.Count == 0, found.Verdict);
    }

    public static Task<Checked> CompareAsync(string postgres, RunningSimulator simulator, IEnumerable<string> accountIds, string datePreset = "last_7d") =>
        CompareAsync(postgres, accountIds.Select(a => simulator.GetTruth(a) ?? throw new InvalidOperationException("the simulator has no " + a)), datePreset);

    /// <summary>The same, against truths read elsewhere (<c>GET /_sim/truth/{accountId}</c> of a simulator in another process).</summary>
    public static async Task<Checked> CompareAsync(string postgres, IEnumerable<AccountTruth> truths, string datePreset = "last_7d")
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        var (entities, insightRows, problems) = (0, 0, new List<string>());
        foreach (var truth in truths)
        {
            var accountId = truth.AccountId;
            var insights = truth.Insights[datePreset];
            foreach (var (table, level, ids, eligible, withDelivery) in new[]
            {
                ("campaigns", "campaign", truth.Campaigns.Ids, truth.Campaigns.InsightEligible, insights.Campaigns),
                ("ad_sets", "adset", truth.AdSets.Ids, truth.AdSets.InsightEligible, insights.AdSets),
                ("ads", "ad", truth.Ads.Ids, truth.Ads.InsightEligible, insights.Ads),
            })
            {
                var stored = await Strings(connection, $"SELECT id FROM {table} WHERE account_id = @a AND removed_at IS NULL", accountId);
                Differ(problems, $"{accountId} {table}", ids, stored);
                var rows = await Strings(connection,
                    $"SELECT entity_id FROM insights WHERE account_id = @a AND level = '{level}' AND date_preset = '{datePreset}'", accountId);
                Differ(problems, $"{accountId} {level} insight rows", eligible.Intersect(withDelivery).ToList(), rows);
                (entities, insightRows) = (entities + stored.Count, insightRows + rows.Count);
            }
        }

        return new Checked(entities, insightRows, problems);
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

    static void Differ(List<string> problems, string what, IReadOnlyCollection<string> expected, List<string> stored)
    {
        var missing = expected.Except(stored).ToList();
        var extra = stored.Except(expected).ToList();
        var twice = stored.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count + extra.Count + twice.Count > 0)
        {
            problems.Add($"{what}: {stored.Count} stored, {expected.Count} expected; missing [{string.Join(", ", missing.Take(5))}], " +
                $"unexpected [{string.Join(", ", extra.Take(5))}], twice [{string.Join(", ", twice.Take(5))}]");
        }
    }
}

/// <summary>Entities and insight rows found, and every way they differ from the truth (none: exact).</summary>
public sealed record Checked(int Entities, int InsightRows, IReadOnlyList<string> Problems)
{
    public string Verdict => Problems.Count == 0 ? "exact" : $"{Problems.Count} mismatch(es): {string.Join("; ", Problems.Take(3))}";
}
