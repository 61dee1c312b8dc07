using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>Meta's accounts list into <c>ad_accounts</c>: names and settings refresh, sync bookkeeping stays untouched.</summary>
public static class AccountUpserts
{
    public static Task<int> UpsertAsync(NpgsqlConnection connection, IEnumerable<AdAccount> rows, CancellationToken cancellationToken)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.ExecuteAsync(connection, "ad_accounts", ["id"],
        [
            new("id", NpgsqlDbType.Text, page.Select(r => r.Id).ToArray()),
            new("name", NpgsqlDbType.Text, page.Select(r => r.Name).ToArray()),
            new("currency", NpgsqlDbType.Text, page.Select(r => r.Currency).ToArray()),
            new("timezone", NpgsqlDbType.Text, page.Select(r => r.Timezone).ToArray()),
            new("account_status", NpgsqlDbType.Integer, page.Select(r => r.AccountStatus).ToArray()),
            new("refreshed_at", NpgsqlDbType.TimestampTz, page.Select(r => BulkUpsert.Utc(r.RefreshedAt)).ToArray()),
        ], cancellationToken);
    }
}
