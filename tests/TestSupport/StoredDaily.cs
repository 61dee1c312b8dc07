using MetaAdsSync.GraphSimulator;
using MetaAdsSync.Storage;
using Npgsql;

namespace MetaAdsSync.TestSupport;

/// <summary>The daily rows PostgreSQL holds (<c>daily_insights</c>) against the simulator's daily truth.</summary>
public static class StoredDaily
{
    static readonly string[] Levels = ["campaign", "adset", "ad"];

    /// <summary>
    /// The last <paramref name="days"/> days of the account's calendar, today included, as a sync plans them now (or
    /// as one that started <paramref name="at"/> planned them).
    /// </summary>
    public static (DateOnly Since, DateOnly Until) Window(RunningSimulator simulator, string accountId, int days, DateTimeOffset? at = null)
    {
        var truth = simulator.GetTruth(accountId) ?? throw new InvalidOperationException("the simulator has no " + accountId);
        var today = AccountCalendar.Today(truth.Timezone, at ?? DateTimeOffset.UtcNow, out _);
        return (today.AddDays(1 - days), today);
    }

    /// <summary>
    /// Every way the stored days of the window differ from the simulator's (campaigns, ad sets and ads; impressions,
    /// clicks and spend): a row missing, one too many, or other numbers. Empty: exact.
    /// </summary>
    public static async Task<List<string>> DifferencesAsync(string postgres, RunningSimulator simulator, string accountId, (DateOnly Since, DateOnly Until) window)
    {
        var truth = simulator.GetDailyTruth(accountId, window.Since, window.Until) ?? throw new InvalidOperationException("the simulator has no " + accountId);
        var expected = truth.Rows.Where(r => Levels.Contains(r.Level))
            .ToDictionary(r => (r.Level, r.EntityId, DateOnly.Parse(r.Date, System.Globalization.CultureInfo.InvariantCulture)), r => (r.Impressions, r.Clicks, r.Spend));
        var stored = await RowsAsync(postgres, accountId, window);
        var problems = new List<string>();
        foreach (var (key, numbers) in expected)
        {
            if (!stored.TryGetValue(key, out var found))
            {
                problems.Add($"missing {key}");
            }
            else if (found != numbers)
            {
                problems.Add($"{key}: stored {found}, Meta says {numbers}");
            }
        }

        problems.AddRange(stored.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected {k}"));
        return problems;
    }

    /// <summary>The stored days of the window, keyed by (level, entity, date).</summary>
    public static async Task<Dictionary<(string Level, string EntityId, DateOnly Date), (long Impressions, long Clicks, decimal Spend)>> RowsAsync(
        string postgres, string accountId, (DateOnly Since, DateOnly Until) window)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT level, entity_id, date, impressions, clicks, spend FROM daily_insights
             WHERE account_id = @a AND date BETWEEN @since AND @until
            """, connection);
        command.Parameters.AddWithValue("a", accountId);
        command.Parameters.AddWithValue("since", window.Since);
        command.Parameters.AddWithValue("until", window.Until);
        var rows = new Dictionary<(string, string, DateOnly), (long, long, decimal)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2))] = (reader.GetInt64(3), reader.GetInt64(4), reader.GetDecimal(5));
        }

        return rows;
    }

    /// <summary>How many daily rows the account has, every day and level.</summary>
    public static async Task<long> CountAsync(string postgres, string accountId)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM daily_insights WHERE account_id = @a", connection);
        command.Parameters.AddWithValue("a", accountId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
