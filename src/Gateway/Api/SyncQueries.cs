using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MetaAdsSync.Contracts;
using Npgsql;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// A sync run as the API shows it, whether it runs (from its saga) or ended (from sync_runs). <see cref="Plan"/> is
/// what the run planned: partitions per level (<c>entityPartitions</c>, <c>insightPartitions</c>), <c>callsPlanned</c>
/// (beside <see cref="GraphCalls"/>, the calls made) and what limited it; absent for runs planned before plans were kept.
/// </summary>
public sealed record SyncView(
    Guid SyncId,
    string AccountId,
    string DatePreset,
    string Trigger,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMs,
    EntityCounts Entities,
    int Eligible,
    BatchCounts InsightBatches,
    int GraphCalls,
    string? Error,
    string? ErrorKind = null,
    FailureCause? ErrorDetail = null,
    IReadOnlyList<string>? LevelsRead = null,
    IReadOnlyList<LevelReuse>? LevelsReused = null,
    [property: JsonIgnore] long? Sequence = null,
    JsonElement? Plan = null)
{
    [JsonIgnore]
    public bool HasEnded => FinishedAt is not null;

    /// <summary>A running run as its progress event tells it, in the shape <c>GET /api/syncs/{id}</c> answers.</summary>
    public static SyncView From(SyncProgressed p) => new(
        p.RunId, p.AccountId, p.DatePreset, p.Trigger, RunStatus.Running, p.StartedAt, null, null,
        new EntityCounts(p.Campaigns, p.AdSets, p.Ads), p.Eligible,
        new BatchCounts(p.InsightBatches, p.InsightBatchesSucceeded, p.InsightBatchesFailed), p.GraphCalls, null, Sequence: p.Sequence);
}

/// <summary>An entity level a run answered from PostgreSQL, and when that copy was read from Meta.</summary>
public sealed record LevelReuse(string Level, DateTimeOffset ReadAt)
{
    /// <summary>Parses the history's <c>Level=read time</c> entries (sync_runs.levels_reused).</summary>
    public static LevelReuse Parse(string entry)
    {
        var at = entry.IndexOf('=', StringComparison.Ordinal);
        return new LevelReuse(entry[..at], DateTimeOffset.Parse(entry[(at + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
    }
}

public sealed record EntityCounts(int Campaigns, int AdSets, int Ads);

public sealed record BatchCounts(int Total, int Succeeded, int Failed);

public sealed class SyncQueries(NpgsqlDataSource database)
{
    // Running runs come from the saga table, ended ones from the history; one shape for both. A running run's sequence
    // is its progress events' (the saga's count of pages and insight answers recorded).
    const string Runs = """
        SELECT s.run_id, s.account_id, s.date_preset, s.trigger, r.status, s.started_at, NULL::timestamptz AS finished_at,
               NULL::bigint AS duration_ms, s.campaigns, s.ad_sets, s.ads, s.eligible, s.batches_sent,
               s.batches_succeeded, s.batches_failed, s.graph_calls, s.error, s.sequence,
               s.error_kind, s.error_detail::text, NULL::text[] AS levels_read, NULL::text[] AS levels_reused, s.plan::text
          FROM account_syncs s JOIN sync_run_status r USING (correlation_id)
         WHERE r.status = @running
        UNION ALL
        SELECT run_id, account_id, date_preset, trigger, status, started_at, finished_at, duration_ms, campaigns, ad_sets, ads,
               eligible, insight_batches, insight_batches_succeeded, insight_batches_failed, graph_calls, error, NULL::bigint,
               error_kind, error_detail::text, levels_read, levels_reused, plan::text
          FROM sync_runs
        """;

    public async Task<SyncView?> FindAsync(Guid syncId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT * FROM ({Runs}) r WHERE run_id = @id LIMIT 1", cancellationToken, ("id", syncId));
        return found.FirstOrDefault();
    }

    /// <summary>
    /// Recent runs, newest first; <paramref name="status"/>, when given, is one of <see cref="RunStatus.All"/>;
    /// <paramref name="scope"/> (a scoped key's accounts) filters them, null does not.
    /// </summary>
    public Task<List<SyncView>> ListAsync(string? accountId, string? status, int limit, string[]? scope, CancellationToken cancellationToken) =>
        QueryAsync($"""
            SELECT * FROM ({Runs}) r
             WHERE (@account::text IS NULL OR r.account_id = @account) AND (@status::text IS NULL OR r.status = @status)
               AND (@scope::text[] IS NULL OR r.account_id = ANY(@scope::text[]))
             ORDER BY r.started_at DESC NULLS LAST
             LIMIT @limit
            """, cancellationToken, ("account", accountId), ("status", status), ("limit", limit), ("scope", scope));

    async Task<List<SyncView>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("running", RunStatus.Running);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var runs = new List<SyncView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new SyncView(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7),
                new EntityCounts(reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10)),
                reader.GetInt32(11),
                new BatchCounts(reader.GetInt32(12), reader.GetInt32(13), reader.GetInt32(14)),
                reader.GetInt32(15),
                reader.IsDBNull(16) ? null : reader.GetString(16),
                reader.IsDBNull(18) ? null : reader.GetString(18),
                FailureCause.FromJson(reader.IsDBNull(19) ? null : reader.GetString(19)),
                reader.IsDBNull(20) ? null : reader.GetFieldValue<string[]>(20),
                reader.IsDBNull(21) ? null : reader.GetFieldValue<string[]>(21).Select(LevelReuse.Parse).ToList(),
                reader.IsDBNull(17) ? null : reader.GetInt64(17),
                reader.IsDBNull(22) ? null : Json(reader.GetString(22))));
        }

        return runs;
    }

    static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
