using MetaAdsSync.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>
/// What Meta stops returning leaves the live copy. Once a level of an account has been read completely from Graph,
/// its stored objects the read did not return (their <c>last_run_id</c> is another run's) get <c>removed_at</c> and
/// <c>removed_by_run</c>: not deleted, so their history and insights stay; the API, the counts and the scheduler look
/// at live rows only, and an upsert that meets the object again makes it live. A level answered from PostgreSQL marks
/// nothing. Today the EntityFetcher completes a level at its last page (<c>EntitySync</c>); a level read as several
/// partitions is complete only once every partition is stored, so whoever knows that (the saga, having seen all of
/// them) calls <see cref="CompleteLevelAsync"/> then, and only then: this is the one place a level is completed.
/// </summary>
public static class RemovedObjects
{
    /// <summary>
    /// Marks the level read completely by the run and marks removed what the run did not see; returns the ids marked
    /// now. Call it inside the transaction that stores the level's last rows, before the level is announced as done (or
    /// put <see cref="CompleteLevel"/> in the batch that stores them). A run that started before the one that last
    /// completed the level changes nothing, and no row written by a newer run is marked.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CompleteLevelAsync(
        NpgsqlConnection connection, string accountId, EntityLevel level, Guid runId, DateTimeOffset runStartedAt, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { CompleteLevel(accountId, level, runId, runStartedAt, now) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await EntityUpserts.IdsAsync(reader, cancellationToken);
    }

    /// <summary>
    /// <see cref="CompleteLevelAsync"/> as one statement of a batch, after the statement that stores the level's last rows
    /// (it must see them as this run's). Its result is the ids marked removed, one a row. The level's mark
    /// (<see cref="EntityUpserts.MarkLevelSyncedAsync"/>'s statement) and the removal marks are one statement: the
    /// removal marks are written only when the mark was (no later run had marked the level).
    /// </summary>
    public static NpgsqlBatchCommand CompleteLevel(string accountId, EntityLevel level, Guid runId, DateTimeOffset runStartedAt, DateTimeOffset now)
    {
        // The mark takes the run's start, so an older run's late upsert cannot bring the object back.
        var command = new NpgsqlBatchCommand($"""
            WITH marked AS (
                {EntityUpserts.MarkLevelSyncedSql}
                RETURNING 1
            )
            UPDATE {EntityUpserts.TableName(level)}
               SET removed_at = @at, removed_by_run = @run, removed_reason = NULL, run_started_at = @started
             WHERE EXISTS (SELECT 1 FROM marked) AND account_id = @account AND removed_at IS NULL
               AND last_run_id IS DISTINCT FROM @run AND run_started_at <= @started
            RETURNING id
            """);
        EntityUpserts.AddMarkParameters(command.Parameters, accountId, level, now, runId, runStartedAt);
        return command;
    }

    /// <summary>
    /// Removed objects of the level whose reason is not known yet (the look-up was skipped while the account was
    /// throttled, or failed): the next complete read asks again. At most <paramref name="limit"/>, oldest first.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WithoutReasonAsync(
        NpgsqlConnection connection, string accountId, EntityLevel level, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT id FROM {EntityUpserts.TableName(level)}
             WHERE account_id = @account AND removed_at IS NOT NULL AND removed_reason IS NULL
             ORDER BY removed_at, id LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("limit", limit);
        return await EntityUpserts.IdsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Records why removed objects left, as Meta answered by id (ARCHIVED or DELETED), as their reason and status. An
    /// object live again by now is left alone. Returns the rows updated.
    /// </summary>
    public static async Task<int> RecordReasonsAsync(
        NpgsqlConnection connection, EntityLevel level, IReadOnlyDictionary<string, string> reasons, CancellationToken cancellationToken)
    {
        var pairs = reasons.ToArray();
        if (pairs.Length == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand($"""
            UPDATE {EntityUpserts.TableName(level)} t
               SET removed_reason = r.reason, effective_status = r.reason
              FROM unnest(@ids, @reasons) AS r(id, reason)
             WHERE t.id = r.id AND t.removed_at IS NOT NULL
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = pairs.Select(p => p.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = pairs.Select(p => p.Value).ToArray() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
