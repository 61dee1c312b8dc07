using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>Set-based upserts of daily rows keyed by (account, level, entity, date): a restated day overwrites its row.</summary>
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
        ], cancellationToken);
    }
}
