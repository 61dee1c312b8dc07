using System.Text.Json;
using MetaAdsSync.Contracts;
using Npgsql;

namespace MetaAdsSync.Gateway.Accounts;

/// <summary>
/// A daily figure: one day of one entity as Meta reported it with <c>time_increment=1</c> (<c>kind: "daily"</c>),
/// unlike the preset aggregates of the entity lists (<c>kind: "preset"</c>, Meta's own number for the preset, reach
/// included, which days cannot sum to).
/// </summary>
public sealed record DailyInsightView(
    DateOnly Date, long? Impressions, long? Reach, long? Clicks, decimal? Spend, decimal? Ctr, decimal? Cpc, decimal? Cpm, decimal? Frequency,
    JsonElement? Actions, DateTimeOffset FetchedAt);

public sealed record DailyInsightsView(
    string Kind, string AccountId, string Level, string EntityId, DateOnly Since, DateOnly Until, string? Timezone, IReadOnlyList<DailyInsightView> Days);

/// <summary>The sum over a level's entities of one day; <see cref="Entities"/> is how many had a row that day (0: none stored).</summary>
public sealed record DailyTotalView(DateOnly Date, long Impressions, long Clicks, decimal Spend, int Entities);

public sealed record DailyTotalsView(
    string Kind, string AccountId, string Level, DateOnly Since, DateOnly Until, string? Timezone, string? Currency, IReadOnlyList<DailyTotalView> Days);

/// <summary>The account's daily rows in <c>daily_insights</c>: one entity's days, or a level's sums per day (for the charts).</summary>
public sealed class DailyInsightQueries(NpgsqlDataSource database)
{
    public const string Kind = "daily";

    /// <summary>The account's time zone and currency; null when the account is not in the accounts list.</summary>
    public async Task<(string? Timezone, string? Currency)?> AccountAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT timezone, currency FROM ad_accounts WHERE id = @id AND refreshed_at IS NOT NULL");
        command.Parameters.AddWithValue("id", accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }

    public async Task<bool> EntityExistsAsync(string accountId, EntityLevel level, string entityId, CancellationToken cancellationToken)
    {
        var table = level switch { EntityLevel.Campaign => "campaigns", EntityLevel.AdSet => "ad_sets", _ => "ads" };
        await using var command = database.CreateCommand($"""
            SELECT EXISTS (SELECT 1 FROM {table} WHERE id = @id AND account_id = @account)
                OR EXISTS (SELECT 1 FROM daily_insights WHERE account_id = @account AND level = @level AND entity_id = @id)
            """);
        command.Parameters.AddWithValue("id", entityId);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<List<DailyInsightView>> DaysAsync(string accountId, EntityLevel level, string entityId, DateOnly since, DateOnly until, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT date, impressions, reach, clicks, spend, ctr, cpc, cpm, frequency, actions::text, fetched_at
              FROM daily_insights
             WHERE account_id = @account AND level = @level AND entity_id = @entity AND date BETWEEN @since AND @until
             ORDER BY date
            """);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        command.Parameters.AddWithValue("entity", entityId);
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("until", until);
        var days = new List<DailyInsightView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new DailyInsightView(
                reader.GetFieldValue<DateOnly>(0),
                Nullable<long>(reader, 1), Nullable<long>(reader, 2), Nullable<long>(reader, 3),
                Nullable<decimal>(reader, 4), Nullable<decimal>(reader, 5), Nullable<decimal>(reader, 6), Nullable<decimal>(reader, 7), Nullable<decimal>(reader, 8),
                reader.IsDBNull(9) ? null : JsonDocument.Parse(reader.GetString(9)).RootElement.Clone(),
                reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return days;
    }

    /// <summary>Every day from <paramref name="since"/> to <paramref name="until"/>, with the sums of the level's rows (zero where none is stored).</summary>
    public async Task<List<DailyTotalView>> TotalsAsync(string accountId, EntityLevel level, DateOnly since, DateOnly until, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT d.day::date, COALESCE(sum(i.impressions), 0)::bigint, COALESCE(sum(i.clicks), 0)::bigint, COALESCE(sum(i.spend), 0), count(i.entity_id)::int
              FROM generate_series(@since::date, @until::date, interval '1 day') AS d(day)
              LEFT JOIN daily_insights i ON i.account_id = @account AND i.level = @level AND i.date = d.day::date
             GROUP BY d.day
             ORDER BY d.day
            """);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("until", until);
        var days = new List<DailyTotalView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new DailyTotalView(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3), reader.GetInt32(4)));
        }

        return days;
    }

    static T? Nullable<T>(NpgsqlDataReader reader, int ordinal) where T : struct => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
