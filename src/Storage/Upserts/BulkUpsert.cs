using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>One column of a set-based upsert: its values travel as one array parameter.</summary>
readonly record struct UpsertColumn(string Name, NpgsqlDbType ElementType, Array Values, string? Cast = null);

/// <summary>
/// <c>INSERT … SELECT FROM unnest(@arrays) ON CONFLICT (key) DO UPDATE</c>: a whole page in one statement and one
/// round trip, however many rows it has.
/// </summary>
static class BulkUpsert
{
    public static async Task<int> ExecuteAsync(
        NpgsqlConnection connection,
        string table,
        IReadOnlyList<string> key,
        IReadOnlyList<UpsertColumn> columns,
        CancellationToken cancellationToken)
    {
        if (columns[0].Values.Length == 0)
        {
            return 0;
        }

        await using var command = new NpgsqlCommand(Sql(table, key, columns), connection);
        for (var i = 0; i < columns.Count; i++)
        {
            command.Parameters.Add(new NpgsqlParameter($"p{i}", NpgsqlDbType.Array | columns[i].ElementType) { Value = columns[i].Values });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string Sql(string table, IReadOnlyList<string> key, IReadOnlyList<UpsertColumn> columns)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        var sql = new StringBuilder()
            .Append("INSERT INTO ").Append(table).Append(" (").Append(names).Append(")\nSELECT ")
            .AppendJoin(", ", columns.Select(c => c.Cast is null ? "r." + c.Name : $"r.{c.Name}::{c.Cast}"))
            .Append("\nFROM unnest(").AppendJoin(", ", columns.Select((_, i) => $"@p{i}")).Append(") AS r(").Append(names).Append(")\n")
            .Append("ON CONFLICT (").AppendJoin(", ", key).Append(") DO UPDATE SET ")
            .AppendJoin(", ", columns.Where(c => !key.Contains(c.Name)).Select(c => $"{c.Name} = excluded.{c.Name}"));
        return sql.ToString();
    }

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
}
