using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>
/// Set-based upserts of campaigns, ad sets and ads (one statement per page, a row of an older run never overwriting a
/// newer one's), and the level's "fully synced" mark.
/// </summary>
public static class EntityUpserts
{
    /// <summary>Runs a page's upsert (<see cref="UpsertCampaigns"/>, <see cref="UpsertAdSets"/>, <see cref="UpsertAds"/>) on its own; returns the rows it wrote.</summary>
    public static Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlBatchCommand? upsert, CancellationToken cancellationToken) =>
        BulkUpsert.ExecuteAsync(connection, upsert, cancellationToken);

    public static Task<int> UpsertCampaignsAsync(NpgsqlConnection connection, IEnumerable<Campaign> rows, CancellationToken cancellationToken) =>
        BulkUpsert.ExecuteAsync(connection, UpsertCampaigns(rows), cancellationToken);

    /// <summary>The page's upsert as a statement of a batch; null for an empty page.</summary>
    public static NpgsqlBatchCommand? UpsertCampaigns(IEnumerable<Campaign> rows)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.Command("campaigns", ["id"],
        [
            .. Common(page),
            new("objective", NpgsqlDbType.Text, page.Select(r => r.Objective).ToArray()),
            new("daily_budget", NpgsqlDbType.Bigint, page.Select(r => r.DailyBudget).ToArray()),
            new("lifetime_budget", NpgsqlDbType.Bigint, page.Select(r => r.LifetimeBudget).ToArray()),
        ], newerOnly: true);
    }

    public static Task<int> UpsertAdSetsAsync(NpgsqlConnection connection, IEnumerable<AdSet> rows, CancellationToken cancellationToken) =>
        BulkUpsert.ExecuteAsync(connection, UpsertAdSets(rows), cancellationToken);

    /// <summary>The page's upsert as a statement of a batch; null for an empty page.</summary>
    public static NpgsqlBatchCommand? UpsertAdSets(IEnumerable<AdSet> rows)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.Command("ad_sets", ["id"],
        [
            .. Common(page),
            new("campaign_id", NpgsqlDbType.Text, page.Select(r => r.CampaignId).ToArray()),
            new("daily_budget", NpgsqlDbType.Bigint, page.Select(r => r.DailyBudget).ToArray()),
            new("lifetime_budget", NpgsqlDbType.Bigint, page.Select(r => r.LifetimeBudget).ToArray()),
        ], newerOnly: true);
    }

    public static Task<int> UpsertAdsAsync(NpgsqlConnection connection, IEnumerable<Ad> rows, CancellationToken cancellationToken) =>
        BulkUpsert.ExecuteAsync(connection, UpsertAds(rows), cancellationToken);

    /// <summary>The page's upsert as a statement of a batch; null for an empty page.</summary>
    public static NpgsqlBatchCommand? UpsertAds(IEnumerable<Ad> rows)
    {
        var page = BulkUpsert.LastPerKey(rows, r => r.Id);
        return BulkUpsert.Command("ads", ["id"],
        [
            .. Common(page),
            new("campaign_id", NpgsqlDbType.Text, page.Select(r => r.CampaignId).ToArray()),
            new("ad_set_id", NpgsqlDbType.Text, page.Select(r => r.AdSetId).ToArray()),
            new("creative_hash", NpgsqlDbType.Bigint, page.Select(r => CreativeHash(r.Creative)).ToArray()),
        ], newerOnly: true, new PageWrites([new("creative", NpgsqlDbType.Text, page.Select(r => r.Creative).ToArray())], CreativeWritesSql));
    }

    /// <summary>
    /// Written with the ads page, in its statement (all or nothing): the creatives of the rows the upsert will write (no
    /// stored row, or one an older or the same run wrote) whose hash differs from the stored one, as they read before the
    /// statement. An unchanged creative is not rewritten: it is most of an ad's bytes, and every run rewrites every ad row.
    /// A row without a creative deletes its ad's (a no-op probe of the key when there is none).
    /// </summary>
    const string CreativeWritesSql = """
        changed AS (
            SELECT r.id, r.creative, r.creative_hash FROM r LEFT JOIN ads t ON t.id = r.id
             WHERE (t.id IS NULL OR t.run_started_at <= r.run_started_at)
               AND (r.creative_hash IS NULL OR t.creative_hash IS DISTINCT FROM r.creative_hash)),
        put AS (
            INSERT INTO ad_creatives (ad_id, creative) SELECT id, creative::jsonb FROM changed WHERE creative IS NOT NULL
            ON CONFLICT (ad_id) DO UPDATE SET creative = excluded.creative),
        gone AS (
            DELETE FROM ad_creatives c USING changed x WHERE c.ad_id = x.id AND x.creative IS NULL)
        """;

    /// <summary>
    /// A stable hash of a creative as Meta returned it: the first 8 bytes of the SHA-256 of its UTF-8 text (the framework's,
    /// a microsecond a creative). Equal text, equal hash; any change to it (a new title, Meta's re-signed image URL) a new
    /// one. Null for no creative.
    /// </summary>
    public static long? CreativeHash(string? creative)
    {
        if (creative is null)
        {
            return null;
        }

        // Encoded into a pooled buffer: a fresh array per ad (~1 kB, every ad of every run) was garbage for the fetcher's GC.
        var text = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(creative.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(creative, text);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text.AsSpan(0, length), digest);
            return BinaryPrimitives.ReadInt64BigEndian(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
        }
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
        new(BulkUpsert.RunStartedAt, NpgsqlDbType.TimestampTz, page.Select(r => BulkUpsert.RunStart(r.RunStartedAt)).ToArray()),
        // Returned by Meta, so live: an object that was marked removed and comes back is live again.
        new("removed_at", NpgsqlDbType.TimestampTz, new DateTimeOffset?[page.Count]),
        new("removed_by_run", NpgsqlDbType.Uuid, new Guid?[page.Count]),
        new("removed_reason", NpgsqlDbType.Text, new string?[page.Count]),
    ];

    /// <summary>
    /// Records that every page of the level was read from Meta and stored; false (and nothing changed) when a run that
    /// started later already marked it. <see cref="RemovedObjects.CompleteLevel"/> writes it in the statement that marks
    /// what a complete read did not return.
    /// </summary>
    public static async Task<bool> MarkLevelSyncedAsync(
        NpgsqlConnection connection, string accountId, EntityLevel level, DateTimeOffset at, Guid runId, DateTimeOffset runStartedAt, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(MarkLevelSyncedSql, connection);
        AddMarkParameters(command.Parameters, accountId, level, at, runId, runStartedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The level's mark, with parameters <c>@account</c>, <c>@level</c>, <c>@at</c>, <c>@run</c> and <c>@started</c> (<see cref="AddMarkParameters"/>).</summary>
    internal const string MarkLevelSyncedSql = """
        INSERT INTO entity_sync_marks (account_id, level, last_full_sync_at, last_run_id, run_started_at) VALUES (@account, @level, @at, @run, @started)
        ON CONFLICT (account_id, level) DO UPDATE
           SET last_full_sync_at = excluded.last_full_sync_at, last_run_id = excluded.last_run_id, run_started_at = excluded.run_started_at
         WHERE entity_sync_marks.run_started_at <= excluded.run_started_at
        """;

    internal static void AddMarkParameters(
        NpgsqlParameterCollection parameters, string accountId, EntityLevel level, DateTimeOffset at, Guid runId, DateTimeOffset runStartedAt)
    {
        parameters.AddWithValue("account", accountId);
        parameters.AddWithValue("level", EntityLevels.Name(level));
        parameters.AddWithValue("at", at.ToUniversalTime());
        parameters.AddWithValue("run", runId);
        parameters.AddWithValue("started", BulkUpsert.RunStart(runStartedAt));
    }

    /// <summary>
    /// Of a page about to be upserted, the ids whose stored <c>status</c> or <c>effective_status</c> differs from what Meta
    /// answered now, or that <paramref name="runId"/> already stored (a redelivered page: its first delivery may have
    /// stored the change and not announced it). Objects not stored yet are not changes: their children are new too.
    /// </summary>
    public static async Task<IReadOnlyList<string>> StatusChangedAsync(
        NpgsqlConnection connection, EntityLevel level, IReadOnlyList<(string Id, string? Status, string? EffectiveStatus)> page, Guid runId,
        CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return [];
        }

        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { StatusChanged(level, page, runId) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await IdsAsync(reader, cancellationToken);
    }

    /// <summary>
    /// <see cref="StatusChangedAsync"/> as a statement of a batch, placed before the page's upsert (it compares with the
    /// copy the upsert replaces). Its result is the ids, one a row.
    /// </summary>
    public static NpgsqlBatchCommand StatusChanged(EntityLevel level, IReadOnlyList<(string Id, string? Status, string? EffectiveStatus)> page, Guid runId)
    {
        // Each id is looked up by the key (a subquery per row; null, so not a change, when not stored): as a join, the
        // planner's estimate of an index probe made it hash the whole table (every account's rows) for every page.
        var command = new NpgsqlBatchCommand($"""
            SELECT r.id FROM unnest(@ids, @statuses, @effective) AS r(id, status, effective_status)
             WHERE (SELECT t.last_run_id = @run OR t.status IS DISTINCT FROM r.status OR t.effective_status IS DISTINCT FROM r.effective_status
                      FROM {TableName(level)} t WHERE t.id = r.id)
            """);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = page.Select(p => p.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = page.Select(p => p.Status).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("effective", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = page.Select(p => p.EffectiveStatus).ToArray() });
        command.Parameters.AddWithValue("run", runId);
        return command;
    }

    /// <summary>The first column of every row the command returns: the ids it selected or changed.</summary>
    internal static async Task<List<string>> IdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await IdsAsync(reader, cancellationToken);
    }

    /// <summary>The first column of every row of the reader's current result: the ids a statement selected or changed.</summary>
    public static async Task<List<string>> IdsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>
    /// Records that a run which started at <paramref name="runStartedAt"/> read these levels completely (fully or
    /// incrementally) and every other entity level with them: the next incremental read asks for what changed since.
    /// A level never read fully has no mark and gets none (its next read is full); an older run moves nothing. A statement
    /// of the caller's batch (the saga's end).
    /// </summary>
    public static NpgsqlBatchCommand MarkLevelsRead(string accountId, IEnumerable<EntityLevel> levels, DateTimeOffset runStartedAt)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE entity_sync_marks SET last_read_run_started_at = @started
             WHERE account_id = @account AND level = ANY(@levels)
               AND (last_read_run_started_at IS NULL OR last_read_run_started_at < @started)
            """);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("levels", levels.Select(EntityLevels.Name).ToArray());
        command.Parameters.AddWithValue("started", BulkUpsert.RunStart(runStartedAt));
        return command;
    }

    public static async Task<DateTimeOffset?> LastFullSyncAsync(NpgsqlConnection connection, string accountId, EntityLevel level, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT last_full_sync_at FROM entity_sync_marks WHERE account_id = @account AND level = @level", connection);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// <summary>Keyset page of an account's live stored entities of one level, in id order, after <paramref name="afterId"/>.</summary>
    public static async Task<IReadOnlyList<StoredEntity>> ReadPageAsync(
        NpgsqlConnection connection, string accountId, EntityLevel level, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT id, effective_status FROM {TableName(level)} WHERE account_id = @account AND removed_at IS NULL AND (@after::text IS NULL OR id > @after) ORDER BY id LIMIT @limit",
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

    public static string TableName(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => "campaigns",
        EntityLevel.AdSet => "ad_sets",
        _ => "ads",
    };
}
