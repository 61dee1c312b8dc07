using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>One column of a set-based upsert: its values travel as one array parameter.</summary>
readonly record struct UpsertColumn(string Name, NpgsqlDbType ElementType, Array Values, string? Cast = null);

/// <summary>
/// Writes to other tables in the page's statement: <see cref="Columns"/> travel with the page (as columns of <c>r</c>,
/// not of the table) and <see cref="Ctes"/> are data-modifying CTEs after <c>r AS (the page)</c>, which read the table
/// as it was before the statement.
/// </summary>
readonly record struct PageWrites(IReadOnlyList<UpsertColumn> Columns, string Ctes);

/// <summary>
/// <c>INSERT … SELECT FROM unnest(@arrays) ON CONFLICT (key) DO UPDATE</c>: a whole page in one statement and one
/// round trip, however many rows it has.
/// </summary>
static class BulkUpsert
{
    /// <summary>The column every synced row carries: the start of the run that wrote it.</summary>
    public const string RunStartedAt = "run_started_at";

    /// <summary>
    /// Upserts the page. With <paramref name="newerOnly"/> a stored row is overwritten only by a run that started at the
    /// same time or later than the one that wrote it (<see cref="RunStartedAt"/>): a late write of an older run (one
    /// that timed out, a redelivered message) leaves the newer run's row alone. Returns the rows written.
    /// </summary>
    public static Task<int> ExecuteAsync(
        NpgsqlConnection connection,
        string table,
        IReadOnlyList<string> key,
        IReadOnlyList<UpsertColumn> columns,
        CancellationToken cancellationToken,
        bool newerOnly = false) =>
        RunAsync(connection, Command(table, key, columns, newerOnly), countInRow: newerOnly, cancellationToken);

    /// <summary>
    /// Runs a newer-only upsert built for a batch on its own; returns the rows it wrote (0 for none), which the statement
    /// returns as its one row (<see cref="WrittenCount"/>).
    /// </summary>
    public static Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlBatchCommand? command, CancellationToken cancellationToken) =>
        RunAsync(connection, command, countInRow: true, cancellationToken);

    /// <summary>A newer-only upsert returns its count as a row (<see cref="WrittenCount"/>); a plain one as rows affected.</summary>
    static async Task<int> RunAsync(NpgsqlConnection connection, NpgsqlBatchCommand? command, bool countInRow, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            return 0;
        }

        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { command } };
        if (!countInRow)
        {
            return await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return await batch.ExecuteScalarAsync(cancellationToken) is int written ? written : 0;
    }

    /// <summary>
    /// The column of the one row a newer-only upsert returns: how many rows it wrote. A reader over a batch holding the
    /// statement steps over that result with <c>NextResult</c>.
    /// </summary>
    const string WrittenCount = "written";

    /// <summary>
    /// The upsert of the page as one statement of a batch, so that a page's statements travel together (one round trip);
    /// null for an empty page. See <see cref="ExecuteAsync(NpgsqlConnection, string, IReadOnlyList{string}, IReadOnlyList{UpsertColumn}, CancellationToken, bool)"/>.
    /// </summary>
    public static NpgsqlBatchCommand? Command(
        string table, IReadOnlyList<string> key, IReadOnlyList<UpsertColumn> columns, bool newerOnly, PageWrites? alongside = null)
    {
        if (columns[0].Values.Length == 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(Sql(table, key, columns, newerOnly, alongside));
        IReadOnlyList<UpsertColumn> parameters = alongside is { } also ? [.. columns, .. also.Columns] : columns;
        for (var i = 0; i < parameters.Count; i++)
        {
            command.Parameters.Add(new NpgsqlParameter($"p{i}", NpgsqlDbType.Array | parameters[i].ElementType) { Value = parameters[i].Values });
        }

        return command;
    }

    static string Sql(string table, IReadOnlyList<string> key, IReadOnlyList<UpsertColumn> columns, bool newerOnly, PageWrites? alongside)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        IReadOnlyList<UpsertColumn> all = alongside is { } also ? [.. columns, .. also.Columns] : columns;
        var unnest = $"unnest({string.Join(", ", all.Select((_, i) => $"@p{i}"))}) AS r({string.Join(", ", all.Select(c => c.Name))})";
        var values = string.Join(", ", columns.Select(Value));
        var set = string.Join(", ", columns.Where(c => !key.Contains(c.Name)).Select(c => $"{c.Name} = excluded.{c.Name}"));
        if (!newerOnly)
        {
            return $"INSERT INTO {table} ({names})\nSELECT {values}\nFROM {unnest}\nON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET {set}";
        }

        // The stored rows a newer (or the same) run may overwrite are updated in place, the others inserted. An
        // INSERT … ON CONFLICT DO UPDATE of a stored row locks it first (a WAL record and a page write of its own) and
        // then updates it: every run rewrites every row it reads, and the locks were half the WAL records of the ads page's
        // statement (a third of its bytes) and 0.4-0.8 ms of its 2-3 ms of CPU for a page of 200 ads (measured in isolation). A row
        // the update skipped (a newer run's) or that appeared since the statement's snapshot (another writer's insert)
        // still meets ON CONFLICT, which keeps the newer run's row.
        var sql = new StringBuilder("WITH r AS (SELECT * FROM ").Append(unnest).Append("),\n");
        if (alongside is { } writes)
        {
            sql.Append(writes.Ctes).Append(",\n");
        }

        var match = string.Join(" AND ", key.Select(k => $"t.{k} = r.{k}"));
        var newer = $"{table}.{RunStartedAt} <= excluded.{RunStartedAt}";
        sql.Append("updated AS (UPDATE ").Append(table).Append(" t SET ")
            .AppendJoin(", ", columns.Where(c => !key.Contains(c.Name)).Select(c => $"{c.Name} = {Value(c)}"))
            .Append("\n FROM r WHERE ").Append(match).Append(" AND t.").Append(RunStartedAt).Append(" <= r.").Append(RunStartedAt)
            .Append("\n RETURNING ").AppendJoin(", ", key.Select(k => "t." + k)).Append("),\n")
            .Append("inserted AS (INSERT INTO ").Append(table).Append(" (").Append(names).Append(")\n SELECT ").Append(values)
            .Append("\n FROM r WHERE NOT EXISTS (SELECT 1 FROM updated t WHERE ").Append(match).Append(")\n")
            .Append(" ON CONFLICT (").AppendJoin(", ", key).Append(") DO UPDATE SET ").Append(set)
            .Append("\n WHERE ").Append(newer).Append("\n RETURNING 1)\n")
            .Append("SELECT ((SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted))::int AS ").Append(WrittenCount);
        return sql.ToString();
    }

    static string Value(UpsertColumn c) => c.Cast is null ? "r." + c.Name : $"r.{c.Name}::{c.Cast}";

    /// <summary>
    /// The last row of each key: PostgreSQL refuses an upsert that touches one row twice, and Meta may list an
    /// entity twice when it changes while being paged.
    /// </summary>
    public static List<T> LastPerKey<T, TKey>(IEnumerable<T> rows, Func<T, TKey> key) where TKey : notnull
    {
        var index = new Dictionary<TKey, int>();
        var result = new List<T>();
        foreach (var row in rows)
        {
            if (index.TryGetValue(key(row), out var at))
            {
                result[at] = row;
            }
            else
            {
                index[key(row)] = result.Count;
                result.Add(row);
            }
        }

        return result;
    }

    /// <summary>timestamptz takes UTC only.</summary>
    public static DateTimeOffset? Utc(DateTimeOffset? value) => value?.ToUniversalTime();

    /// <summary>
    /// A run's start as stored. An unknown start (<c>default</c>, from a message of the shape before runs carried it) is
    /// <see cref="DateTimeOffset.MinValue"/>, which Npgsql writes as <c>-infinity</c>: older than every run.
    /// </summary>
    public static DateTimeOffset RunStart(DateTimeOffset runStartedAt) => runStartedAt.ToUniversalTime();
}
