using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>One statement's share of PostgreSQL's time over a measured interval (<c>pg_stat_statements</c>).</summary>
sealed record StatementCost(string Statement, long Calls, double TotalMs);

/// <summary>
/// Where PostgreSQL's time goes, statement by statement, over a measured interval: <c>pg_stat_statements</c> of the
/// system's database, reset at the start (the scale scenario's server preloads it). With fsync off, a statement's
/// execution time is close to the CPU its backend spent on it.
/// </summary>
static class StatementStats
{
    public static async Task ResetAsync(string postgres)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The <paramref name="top"/> statements by total time since the reset, their text cut to its first words.</summary>
    public static async Task<IReadOnlyList<StatementCost>> TopAsync(string postgres, int top)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 110), calls, total_exec_time + total_plan_time
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'
             ORDER BY 3 DESC LIMIT @top
            """, connection);
        command.Parameters.AddWithValue("top", top);
        var costs = new List<StatementCost>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            costs.Add(new StatementCost(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
        }

        return costs;
    }
}
