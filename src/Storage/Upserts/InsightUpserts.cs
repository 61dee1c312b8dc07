using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>Set-based upserts of insights rows keyed by (level, entity, preset, date range), and the record of which entities were asked.</summary>
public static class InsightUpserts
{
    public static Task<int> UpsertAsync(NpgsqlConnection connection, IEnumerable<Insight> rows, CancellationToken cancellationToken)
    {
        var page = BulkUpsert.LastPerKey(rows, r => (r.Level, r.EntityId, r.DatePreset, r.DateStart, r.DateStop));
        return BulkUpsert.ExecuteAsync(connection, "insights", ["level", "entity_id", "date_preset", "date_start", "date_stop"],
        [
            new("level", NpgsqlDbType.Text, page.Select(r => r.Level).ToArray()),
            new("entity_id", NpgsqlDbType.Text, page.Select(r => r.EntityId).ToArray()),
            new("date_preset", NpgsqlDbType.Text, page.Select(r => r.DatePreset).ToArray()),
            new("date_start", NpgsqlDbType.Date, page.Select(r => r.DateStart).ToArray()),
            new("date_stop", NpgsqlDbType.Date, page.Select(r => r.DateStop).ToArray()),
            new("account_id", NpgsqlDbType.Text, page.Select(r => r.AccountId).ToArray()),
            new("impressions", NpgsqlDbType.Bigint, page.Select(r => r.Impressions).ToArray()),
            new("reach", NpgsqlDbType.Bigint, page.Select(r => r.Reach).ToArray()),
            new("clicks", NpgsqlDbType.Bigint, page.Select(r => r.Clicks).ToArray()),
            new("spend", NpgsqlDbType.Numeric, page.Select(r => r.Spend).ToArray()),
            new("ctr", NpgsqlDbType.Numeric, page.Select(r => r.Ctr).ToArray()),
            new("cpc", NpgsqlDbType.Numeric, page.Select(r => r.Cpc).ToArray()),
            new("cpm", NpgsqlDbType.Numeric, page.Select(r => r.Cpm).ToArray()),
            new("frequency", NpgsqlDbType.Numeric, page.Select(r => r.Frequency).ToArray()),
            new("actions", NpgsqlDbType.Text, page.Select(r => r.Actions).ToArray(), Cast: "jsonb"),
            new("fetched_at", NpgsqlDbType.TimestampTz, page.Select(r => r.FetchedAt.ToUniversalTime()).ToArray()),
            new("last_run_id", NpgsqlDbType.Uuid, page.Select(r => r.LastRunId).ToArray()),
        ], cancellationToken);
    }

    /// <summary>Records that these entities' insights for the preset were asked of Meta at <paramref name="at"/>, rows or not.</summary>
    public static Task<int> RecordFetchesAsync(
        NpgsqlConnection connection, string accountId, string level, IEnumerable<string> entityIds, string datePreset, DateTimeOffset at, Guid runId, CancellationToken cancellationToken)
    {
        var ids = entityIds.Distinct().ToArray();
        return BulkUpsert.ExecuteAsync(connection, "insight_fetches", ["level", "entity_id", "date_preset"],
        [
            new("level", NpgsqlDbType.Text, ids.Select(_ => level).ToArray()),
            new("entity_id", NpgsqlDbType.Text, ids),
            new("date_preset", NpgsqlDbType.Text, ids.Select(_ => datePreset).ToArray()),
            new("account_id", NpgsqlDbType.Text, ids.Select(_ => accountId).ToArray()),
            new("fetched_at", NpgsqlDbType.TimestampTz, ids.Select(_ => at.ToUniversalTime()).ToArray()),
            new("last_run_id", NpgsqlDbType.Uuid, ids.Select(_ => runId).ToArray()),
        ], cancellationToken);
    }

    /// <summary>Those of <paramref name="entityIds"/> whose insights for the preset were asked of Meta at or after <paramref name="since"/>.</summary>
    public static async Task<IReadOnlySet<string>> FetchedSinceAsync(
        NpgsqlConnection connection, string level, IReadOnlyCollection<string> entityIds, string datePreset, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var fresh = new HashSet<string>();
        if (entityIds.Count == 0)
        {
            return fresh;
        }

        await using var command = new NpgsqlCommand(
            "SELECT entity_id FROM insight_fetches WHERE level = @level AND date_preset = @preset AND entity_id = ANY(@ids) AND fetched_at >= @since",
            connection);
        command.Parameters.AddWithValue("level", level);
        command.Parameters.AddWithValue("preset", datePreset);
        command.Parameters.AddWithValue("ids", entityIds.ToArray());
        command.Parameters.AddWithValue("since", since.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            fresh.Add(reader.GetString(0));
        }

        return fresh;
    }
}
