using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>
/// Set-based upserts of daily rows keyed by (account, level, entity, date): a restated day overwrites its row, unless the
/// row was written by a run that began later (a late write of an older run leaves the newer one's day alone).
/// </summary>
public static class DailyInsightUpserts
{
    public static Task<int> UpsertAsync(NpgsqlConnection connection, IEnumerable<DailyInsight> rows, CancellationToken cancellationToken)
    {
        var page = BulkUpsert.LastPerKey(rows, r => (r.AccountId, r.Level, r.EntityId, r.Date));
        return BulkUpsert.ExecuteAsync(connection, "daily_insights", ["account_id", "level", "entity_id", "date"],
        [
            new("account_id", NpgsqlDbType.Text, page.Select(r => r.AccountId).ToArray()),
            new("level", NpgsqlDbType.Text, page.Select(r => r.Level).ToArray()),
            new("entity_id", NpgsqlDbType.Text, page.Select(r => r.EntityId).ToArray()),
            new("date", NpgsqlDbType.Date, page.Select(r => r.Date).ToArray()),
            .. InsightUpserts.Metrics(page),
            new(BulkUpsert.RunStartedAt, NpgsqlDbType.TimestampTz, page.Select(r => BulkUpsert.RunStart(r.RunStartedAt)).ToArray()),
        ], cancellationToken, newerOnly: true);
    }
}
