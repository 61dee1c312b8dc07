using System.Data.Common;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The saga's row, loaded and saved by hand: once per event, in the repository's transaction. EF Core's change tracking
/// serialized the whole ledger four more times per event to snapshot and compare it (its jsonb value comparer), and its
/// query and update pipelines cost more than the two statements themselves. Here the ledger is read once and written
/// once (<see cref="AccountSyncStateMap"/> still owns its JSON), and the update keeps the optimistic concurrency EF gave:
/// <c>WHERE xmin = @loaded</c>, a lost race throws, the endpoint's retry loads the winner's state.
/// </summary>
static class AccountSyncRows
{
    const string Columns = """
        correlation_id, current_state, xmin, account_id, run_id, date_preset, trigger, force, requested_by, started_at,
        last_progress_at, redrives, campaigns, ad_sets, ads, eligible, graph_calls, sequence, batches_sent, batches_succeeded,
        batches_failed, ledger, plan, outcome, finished_at, error, error_kind, error_detail
        """;

    const string Select = $"SELECT {Columns} FROM account_syncs WHERE correlation_id = $1";

    // Every column but the key, the account and xmin, whatever changed: one statement, and the saga state has no column
    // another writer owns.
    const string Update = """
        UPDATE account_syncs SET current_state = $3, run_id = $4, date_preset = $5, trigger = $6, force = $7, requested_by = $8,
            started_at = $9, last_progress_at = $10, redrives = $11, campaigns = $12, ad_sets = $13, ads = $14, eligible = $15,
            graph_calls = $16, sequence = $17, batches_sent = $18, batches_succeeded = $19, batches_failed = $20,
            ledger = $21::jsonb, plan = $22::jsonb, outcome = $23, finished_at = $24, error = $25, error_kind = $26,
            error_detail = $27::jsonb
         WHERE correlation_id = $1 AND xmin = $2
        RETURNING xmin
        """;

    /// <summary>The account's saga as committed (null when it has none), in <paramref name="db"/>'s transaction.</summary>
    public static async Task<AccountSyncState?> LoadAsync(SyncDbContext db, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var command = SagaTransaction.Command(db, Select);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = correlationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Writes the saga's state over the row it was loaded from; false when another writer changed the row since (its
    /// xmin moved): the caller throws, so nothing of this delivery commits and it is retried.
    /// </summary>
    public static async Task<bool> UpdateAsync(SyncDbContext db, AccountSyncState s, CancellationToken cancellationToken)
    {
        await using var command = SagaTransaction.Command(db, Update);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = s.CorrelationId });
        p.Add(new NpgsqlParameter<uint> { TypedValue = s.Version, NpgsqlDbType = NpgsqlDbType.Xid });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.CurrentState });
        p.Add(Nullable(s.RunId));
        p.Add(new NpgsqlParameter<string> { TypedValue = s.DatePreset });
        p.Add(new NpgsqlParameter<string> { TypedValue = s.Trigger });
        p.Add(new NpgsqlParameter<bool> { TypedValue = s.Force });
        p.Add(Text(s.RequestedBy));
        p.Add(Nullable(s.StartedAt));
        p.Add(Nullable(s.LastProgressAt));
        foreach (var value in (ReadOnlySpan<int>)[s.Redrives, s.Campaigns, s.AdSets, s.Ads, s.Eligible, s.GraphCalls])
        {
            p.Add(new NpgsqlParameter<int> { TypedValue = value });
        }

        p.Add(new NpgsqlParameter<long> { TypedValue = s.Sequence });
        foreach (var value in (ReadOnlySpan<int>)[s.BatchesSent, s.BatchesSucceeded, s.BatchesFailed])
        {
            p.Add(new NpgsqlParameter<int> { TypedValue = value });
        }

        p.Add(Jsonb(AccountSyncStateMap.ToUtf8Json(s.Ledger)));
        p.Add(Jsonb(s.Plan is null ? null : AccountSyncStateMap.ToUtf8Json(s.Plan)));
        p.Add(Text(s.Outcome));
        p.Add(Nullable(s.FinishedAt));
        p.Add(Text(s.Error));
        p.Add(Text(s.ErrorKind));
        p.Add(Text(s.ErrorDetail));

        if (await command.ExecuteScalarAsync(cancellationToken) is not uint xmin)
        {
            return false;
        }

        s.Version = xmin;
        return true;
    }

    static AccountSyncState Read(DbDataReader r) => new()
    {
        CorrelationId = r.GetGuid(0),
        CurrentState = r.GetString(1),
        Version = r.GetFieldValue<uint>(2),
        AccountId = r.GetString(3),
        RunId = r.IsDBNull(4) ? null : r.GetGuid(4),
        DatePreset = r.GetString(5),
        Trigger = r.GetString(6),
        Force = r.GetBoolean(7),
        RequestedBy = r.IsDBNull(8) ? null : r.GetString(8),
        StartedAt = r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        LastProgressAt = r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        Redrives = r.GetInt32(11),
        Campaigns = r.GetInt32(12),
        AdSets = r.GetInt32(13),
        Ads = r.GetInt32(14),
        Eligible = r.GetInt32(15),
        GraphCalls = r.GetInt32(16),
        Sequence = r.GetInt64(17),
        BatchesSent = r.GetInt32(18),
        BatchesSucceeded = r.GetInt32(19),
        BatchesFailed = r.GetInt32(20),
        Ledger = AccountSyncStateMap.FromJson<RunLedger>(r.GetString(21)),
        Plan = r.IsDBNull(22) ? null : AccountSyncStateMap.FromJson<RunPlanSummary>(r.GetString(22)),
        Outcome = r.IsDBNull(23) ? null : r.GetString(23),
        FinishedAt = r.IsDBNull(24) ? null : r.GetFieldValue<DateTimeOffset>(24),
        Error = r.IsDBNull(25) ? null : r.GetString(25),
        ErrorKind = r.IsDBNull(26) ? null : r.GetString(26),
        ErrorDetail = r.IsDBNull(27) ? null : r.GetString(27),
    };

    static NpgsqlParameter Text(string? value) => value is null
        ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
        : new NpgsqlParameter<string> { TypedValue = value };

    /// <summary>A jsonb document as UTF-8 (<see cref="AccountSyncStateMap.ToUtf8Json{T}"/>), sent as it is.</summary>
    static NpgsqlParameter Jsonb(byte[]? utf8) => utf8 is null
        ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb }
        : new NpgsqlParameter<byte[]> { TypedValue = utf8, NpgsqlDbType = NpgsqlDbType.Jsonb };

    static NpgsqlParameter Nullable<T>(T? value) where T : struct => value is { } v
        ? new NpgsqlParameter<T> { TypedValue = v }
        : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = typeof(T) == typeof(Guid) ? NpgsqlDbType.Uuid : NpgsqlDbType.TimestampTz };
}
