using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>Set-based upserts of insights rows keyed by (level, entity, preset, date range); an older run's row never overwrites a newer one's.</summary>
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
            new(BulkUpsert.RunStartedAt, NpgsqlDbType.TimestampTz, page.Select(r => BulkUpsert.RunStart(r.RunStartedAt)).ToArray()),
        ], cancellationToken, newerOnly: true);
    }
}
