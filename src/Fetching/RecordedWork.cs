using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>
/// Whether the saga has already recorded a command's work done, read from its row (<c>account_syncs</c>): the run ended
/// or was followed by another, or the ledger (<see cref="RunLedger"/>, as <see cref="AccountSyncStateMap"/> writes it)
/// holds the partition completed or the insight read answered. A fetcher asks it only for a command the saga's re-drive
/// sent again or the broker delivered again (a fetcher died holding it): one statement, against a Graph call or a chain
/// of pages spent on work already counted. A first delivery is never checked: the hot path gains no round trip, and a
/// command reaching a fetcher the first time has nobody else's work to repeat.
/// </summary>
public static class RecordedWork
{
    // Unknown account, or the entry not in the ledger (a message of an older shape): not known done, so it is read as before.
    const string Entities = """
        SELECT run_id IS DISTINCT FROM $2 OR outcome IS NOT NULL OR ledger -> 'entities' -> $3 ->> 'completedBy' IS NOT NULL
          FROM account_syncs WHERE correlation_id = $1
        """;

    static readonly string Insights = $"""
        SELECT run_id IS DISTINCT FROM $2 OR outcome IS NOT NULL OR coalesce((ledger -> 'insights' -> $3 ->> 'status')::int, {Outstanding}) <> {Outstanding}
          FROM account_syncs WHERE correlation_id = $1
        """;

    const int Outstanding = (int)InsightReadStatus.Outstanding;

    public static Task<bool> PartitionDoneAsync(NpgsqlDataSource database, string accountId, Guid runId, Guid partitionId, CancellationToken cancellationToken) =>
        ReadAsync(database, Entities, accountId, runId, partitionId, cancellationToken);

    public static Task<bool> InsightReadDoneAsync(NpgsqlDataSource database, string accountId, Guid runId, Guid batchId, CancellationToken cancellationToken) =>
        ReadAsync(database, Insights, accountId, runId, batchId, cancellationToken);

    static async Task<bool> ReadAsync(NpgsqlDataSource database, string sql, string accountId, Guid runId, Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = AccountCorrelation.For(accountId) });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        // The ledger's keys are the ids as System.Text.Json writes a Guid key: "D" format, lower case.
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id.ToString("D") });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
