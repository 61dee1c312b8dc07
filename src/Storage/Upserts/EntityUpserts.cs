using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>
/// A stored entity as the EntityFetcher replays it when a level is answered from PostgreSQL: its id, and the status
/// that says whether the saga should ask for its insights.
/// </summary>
public readonly record struct StoredEntity(string Id, string? EffectiveStatus);

/// <summary>Set-based upserts of campaigns, ad sets and ads (one statement per page), and the level's "fully synced" mark.</summary>
public static class EntityUpserts
{
    public static Task<int> UpsertCampaignsAsync(NpgsqlConnection connection, IEnumerable<Campaign> rows, CancellationToken cancellationToken)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.ExecuteAsync(connection, "campaigns", ["id"],
        [
            .. Common(page),
            new("objective", NpgsqlDbType.Text, page.Select(r => r.Objective).ToArray()),
            new("daily_budget", NpgsqlDbType.Bigint, page.Select(r => r.DailyBudget).ToArray()),
            new("lifetime_budget", NpgsqlDbType.Bigint, page.Select(r => r.LifetimeBudget).ToArray()),
        ], cancellationToken);
    }

    public static Task<int> UpsertAdSetsAsync(NpgsqlConnection connection, IEnumerable<AdSet> rows, CancellationToken cancellationToken)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.ExecuteAsync(connection, "ad_sets", ["id"],
        [
            .. Common(page),
            new("campaign_id", NpgsqlDbType.Text, page.Select(r => r.CampaignId).ToArray()),
            new("daily_budget", NpgsqlDbType.Bigint, page.Select(r => r.DailyBudget).ToArray()),
            new("lifetime_budget", NpgsqlDbType.Bigint, page.Select(r => r.LifetimeBudget).ToArray()),
        ], cancellationToken);
    }

    public static Task<int> UpsertAdsAsync(NpgsqlConnection connection, IEnumerable<Ad> rows, CancellationToken cancellationToken)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.ExecuteAsync(connection, "ads", ["id"],
        [
            .. Common(page),
            new("campaign_id", NpgsqlDbType.Text, page.Select(r => r.CampaignId).ToArray()),
            new("ad_set_id", NpgsqlDbType.Text, page.Select(r => r.AdSetId).ToArray()),
            new("creative", NpgsqlDbType.Text, page.Select(r => r.Creative).ToArray(), Cast: "jsonb"),
        ], cancellationToken);
    }

    static UpsertColumn[] Common<T>(List<T> page) where T : AdEntity =>
    [
        new("id", NpgsqlDbType.Text, page.Select(r => r.Id).ToArray()),
        new("account_id", NpgsqlDbType.Text, page.Select(r => r.AccountId).ToArray()),
        new("name", NpgsqlDbType.Text, page.Select(r => r.Name).ToArray()),
        new("status", NpgsqlDbType.Text, page.Select(r => r.Status).ToArray()),
        new("effective_status", NpgsqlDbType.Text, page.Select(r => r.EffectiveStatus).ToArray()),
        new("created_time", NpgsqlDbType.TimestampTz, page.Select(r => BulkUpsert.Utc(r.CreatedTime)).ToArray()),
        new("updated_time", NpgsqlDbType.TimestampTz, page.Select(r => BulkUpsert.Utc(r.UpdatedTime)).ToArray()),
        new("synced_at", NpgsqlDbType.TimestampTz, page.Select(r => r.SyncedAt.ToUniversalTime()).ToArray()),
        new("last_run_id", NpgsqlDbType.Uuid, page.Select(r => r.LastRunId).ToArray()),
    ];

    /// <summary>Records that every page of the level was read from Meta and stored.</summary>
    public static async Task MarkLevelSyncedAsync(NpgsqlConnection connection, string accountId, EntityLevel level, DateTimeOffset at, Guid runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO entity_sync_marks (account_id, level, last_full_sync_at, last_run_id) VALUES (@account, @level, @at, @run)
            ON CONFLICT (account_id, level) DO UPDATE SET last_full_sync_at = excluded.last_full_sync_at, last_run_id = excluded.last_run_id
            """, connection);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.AddWithValue("run", runId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<DateTimeOffset?> LastFullSyncAsync(NpgsqlConnection connection, string accountId, EntityLevel level, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT last_full_sync_at FROM entity_sync_marks WHERE account_id = @account AND level = @level", connection);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// <summary>Keyset page of an account's stored entities of one level, in id order, after <paramref name="afterId"/>.</summary>
    public static async Task<IReadOnlyList<StoredEntity>> ReadPageAsync(
        NpgsqlConnection connection, string accountId, EntityLevel level, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT id, effective_status FROM {TableName(level)} WHERE account_id = @account AND (@after::text IS NULL OR id > @after) ORDER BY id LIMIT @limit",
            connection);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Text) { Value = (object?)afterId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        var page = new List<StoredEntity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            page.Add(new StoredEntity(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return page;
    }

    static string TableName(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => "campaigns",
        EntityLevel.AdSet => "ad_sets",
        _ => "ads",
    };
}
