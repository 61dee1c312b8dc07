using System.Collections.Concurrent;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.ServiceDefaults.RateGate;

/// <summary>One key's shared state as ops see it.</summary>
public sealed record RateGateKeyStatus(
    string Key,
    string? AccountId,
    string UseCase,
    double UsagePercent,
    DateTimeOffset? UsageAt,
    int AllowedConcurrency,
    int InFlight,
    int WindowUsed,
    DateTimeOffset WindowStartedAt,
    DateTimeOffset? BlockedUntil);

/// <summary>
/// The rate gate every worker process shares, in PostgreSQL's <c>rate_gate</c> table (one row per key: the app, and
/// each ad account per use case). Acquire, release and report are one atomic statement each, timed by the database's
/// clock so that all processes agree. A permit is a lease that expires after <c>RateGate:LeaseTime</c>, so a killed
/// worker's permits come back by themselves. Waiting polls at a bounded, jittered interval and is cancellable.
/// </summary>
public sealed class PostgresRateGate(
    NpgsqlDataSource database,
    IOptions<RateGateOptions> options,
    IOptions<MetaOptions> meta,
    TimeProvider time,
    ILogger<PostgresRateGate> logger) : IRateGate
{
    public const string AppKey = "app";

    // Leases as [{"id":…,"until":unix seconds}]; the live ones are those whose "until" is still ahead.
    const string LiveLeases = "jsonb_path_query_array(g.leases, '$[*] ? (@.until > $now)', jsonb_build_object('now', extract(epoch from now())))";
    const string LiveLeasesOfK = "jsonb_path_query_array(k.leases, '$[*] ? (@.until > $now)', jsonb_build_object('now', extract(epoch from now())))";

    const string AppNotBlocked = $"NOT EXISTS (SELECT 1 FROM rate_gate a WHERE a.key = '{AppKey}' AND a.blocked_until > now())";

    // Admits when: neither the key nor the app is blocked, a slot is free under the adaptive cap, the last reported
    // usage is under the stop mark (or old enough for the window to have decayed below it: with a budget the gate knows
    // the window, so that is the excess plus one call's share of it, $9 the window in seconds and $12 the budget; without one,
    // RateGate:HighUsagePause, $11, which also bounds it), and the budget has a token. Used
    // without a budget, and for the app key (its own bucket) with one.
    const string AcquireSql = $"""
        INSERT INTO rate_gate AS g (key, account_id, use_case, allowed_concurrency, in_flight, leases,
                                    window_started_at, window_used, tokens, tokens_at, usage_percent, updated_at)
        SELECT $1, $2, $3, $6, 1, jsonb_build_array(jsonb_build_object('id', $4::text, 'until', extract(epoch from now()) + $5)),
               now(), 1, greatest($8 - 1, 0), now(), 0, now()
        WHERE {AppNotBlocked}
        ON CONFLICT (key) DO UPDATE SET
            leases = {LiveLeases} || excluded.leases,
            in_flight = jsonb_array_length({LiveLeases}) + 1,
            tokens = CASE WHEN $7 > 0 THEN least($8, g.tokens + extract(epoch from now() - g.tokens_at) * $7) - 1 ELSE g.tokens END,
            tokens_at = now(),
            window_used = CASE WHEN now() >= g.window_started_at + make_interval(secs => $9) THEN 1 ELSE g.window_used + 1 END,
            window_started_at = CASE WHEN now() >= g.window_started_at + make_interval(secs => $9) THEN now() ELSE g.window_started_at END,
            updated_at = now()
        WHERE coalesce(g.blocked_until, '-infinity') <= now()
          AND {AppNotBlocked}
          AND jsonb_array_length({LiveLeases}) < greatest(1, floor(g.allowed_concurrency))
          AND (g.usage_percent < $10 OR g.usage_at IS NULL OR g.usage_at <= now() - make_interval(secs => least($11, CASE WHEN $12 > 0 THEN $9 * (greatest(0, g.usage_percent - $10) / 100 + 1 / greatest(1, $12)) ELSE $11 END)))
          AND ($7 <= 0 OR least($8, g.tokens + extract(epoch from now() - g.tokens_at) * $7) >= 1)
        RETURNING g.in_flight
        """;

    // With a budget an ad account's two use cases spend one bucket, on the account's own row ($13), as Meta counts an
    // ad account's calls (X-Ad-Account-Usage) across them. Both rows are locked first, so that the key's slot and the
    // account's token are taken together or not at all; every value written comes from the locked (latest) rows.
    const string AcquireWithAccountBudgetSql = $"""
        WITH locked AS (
            SELECT key, allowed_concurrency, leases, blocked_until, usage_percent, usage_at, tokens, tokens_at, window_started_at, window_used
            FROM rate_gate WHERE key IN ($1, $13) ORDER BY key FOR UPDATE
        ),
        k AS (SELECT * FROM locked WHERE key = $1),
        a AS (SELECT * FROM locked WHERE key = $13),
        admitted AS (
            SELECT 1 FROM k, a
            WHERE coalesce(k.blocked_until, '-infinity') <= now()
              AND {AppNotBlocked}
              AND jsonb_array_length({LiveLeasesOfK}) < greatest(1, floor(k.allowed_concurrency))
              AND (k.usage_percent < $10 OR k.usage_at IS NULL OR k.usage_at <= now() - make_interval(secs => least($11, $9 * (greatest(0, k.usage_percent - $10) / 100 + 1 / greatest(1, $12)))))
              AND least($8, a.tokens + extract(epoch from now() - a.tokens_at) * $7) >= 1
        ),
        spent AS (
            UPDATE rate_gate g SET
                tokens = least($8, a.tokens + extract(epoch from now() - a.tokens_at) * $7) - 1,
                tokens_at = now(),
                window_used = CASE WHEN now() >= a.window_started_at + make_interval(secs => $9) THEN 1 ELSE a.window_used + 1 END,
                window_started_at = CASE WHEN now() >= a.window_started_at + make_interval(secs => $9) THEN now() ELSE a.window_started_at END,
                updated_at = now()
            FROM a WHERE g.key = a.key AND EXISTS (SELECT 1 FROM admitted)
        )
        UPDATE rate_gate g SET
            leases = {LiveLeasesOfK} || jsonb_build_array(jsonb_build_object('id', $4::text, 'until', extract(epoch from now()) + $5)),
            in_flight = jsonb_array_length({LiveLeasesOfK}) + 1,
            window_used = CASE WHEN now() >= k.window_started_at + make_interval(secs => $9) THEN 1 ELSE k.window_used + 1 END,
            window_started_at = CASE WHEN now() >= k.window_started_at + make_interval(secs => $9) THEN now() ELSE k.window_started_at END,
            updated_at = now()
        FROM k WHERE g.key = k.key AND EXISTS (SELECT 1 FROM admitted)
        RETURNING g.in_flight
        """;

    // The rows the statement above locks must exist: a key's on its first use in this process, its account's bucket full.
    const string EnsureRowsSql = """
        INSERT INTO rate_gate (key, account_id, use_case, allowed_concurrency, in_flight, window_started_at, window_used,
                               tokens, tokens_at, usage_percent, updated_at)
        VALUES ($1, $2, $3, $4, 0, now(), 0, 0, now(), 0, now()),
               ($5, $2, 'account', 0, 0, now(), 0, $6, now(), 0, now())
        ON CONFLICT (key) DO NOTHING
        """;

    const string ReleaseLeases = "jsonb_path_query_array(g.leases, '$[*] ? (@.until > $now && @.id != $id)', jsonb_build_object('now', extract(epoch from now()), 'id', $2::text))";

    const string ReleaseSql = $"""
        UPDATE rate_gate g SET leases = {ReleaseLeases}, in_flight = jsonb_array_length({ReleaseLeases}), updated_at = now()
        WHERE g.key = $1
        """;

    // Growth is +1 per round of calls (+1/c per report) and shrinking ×factor per round (×factor^(1/c) per report),
    // so the cap moves at the same pace however many calls report. A throttle drops it to the floor.
    const string ReportSql = """
        INSERT INTO rate_gate AS g (key, account_id, use_case, allowed_concurrency, in_flight, window_started_at, window_used,
                                    tokens, tokens_at, usage_percent, usage_at, blocked_until, updated_at)
        VALUES ($1, $2, $3, $4, 0, now(), 0, $5, now(), $6, now(),
                CASE WHEN $7 > 0 THEN now() + make_interval(secs => $7 + random() * $8) END, now())
        ON CONFLICT (key) DO UPDATE SET
            usage_percent = excluded.usage_percent,
            usage_at = now(),
            blocked_until = CASE WHEN $7 > 0 THEN greatest(coalesce(g.blocked_until, '-infinity'), excluded.blocked_until) ELSE g.blocked_until END,
            allowed_concurrency = CASE
                WHEN $7 > 0 THEN $9
                WHEN $6 >= $11 THEN greatest($9, g.allowed_concurrency * power($13, 1 / greatest(1, g.allowed_concurrency)))
                WHEN $6 < $12 THEN least($10, g.allowed_concurrency + 1 / greatest(1, g.allowed_concurrency))
                ELSE g.allowed_concurrency END,
            updated_at = now()
        """;

    // Why a caller must wait: the longer of the key's and the app's block, in seconds from now (≤ 0 when none).
    const string BlockedForSql = $"""
        SELECT extract(epoch from greatest(
            (SELECT blocked_until FROM rate_gate WHERE key = $1),
            (SELECT blocked_until FROM rate_gate WHERE key = '{AppKey}')) - now())::float8
        """;

    const string StatusSql = $"""
        SELECT key, account_id, use_case, usage_percent, usage_at, greatest(1, floor(allowed_concurrency))::int,
               jsonb_array_length({LiveLeases}), window_used, window_started_at,
               CASE WHEN blocked_until > now() THEN blocked_until END
        FROM rate_gate g ORDER BY key
        """;

    readonly RateGateOptions _options = options.Value;
    readonly MetaOptions _meta = meta.Value;
    readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);

    public static string KeyOf(RateScope scope) => scope.AccountId is null ? AppKey : $"{scope.AccountId}/{GraphUsage.UseCaseType(scope.UseCase)}";

    public async ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken)
    {
        var key = KeyOf(scope);
        var lease = Guid.NewGuid().ToString("N");
        var deadline = time.GetUtcNow() + _options.AcquireTimeout;
        var logged = false;
        while (true)
        {
            if (await TryAcquireAsync(scope, key, lease, cancellationToken))
            {
                return new Permit(this, key, lease);
            }

            var blocked = await BlockedForAsync(key, cancellationToken);
            if (blocked > _meta.MaxThrottleWait)
            {
                throw new RateGateBlockedException(
                    new GraphError(GraphErrorKind.Throttled, $"Meta throttles {scope} for {blocked:g} more", RegainAccessIn: blocked),
                    $"not waiting longer than Meta:MaxThrottleWait ({_meta.MaxThrottleWait:g})");
            }

            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                throw new RateGateBusyException(
                    new GraphError(GraphErrorKind.Throttled, $"no permit for {scope} within RateGate:AcquireTimeout ({_options.AcquireTimeout:g})"),
                    "rate gate");
            }

            if (!logged && blocked > TimeSpan.Zero)
            {
                logger.LogInformation("Rate gate: {Key} is throttled, waiting {Wait} before the next call", key, blocked);
                logged = true;
            }

            var poll = _options.PollInterval * (0.5 + Random.Shared.NextDouble());
            var wait = blocked > TimeSpan.Zero ? Min(blocked + poll / 2, deadline - now) : Min(poll, deadline - now);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    public async ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(ReportCommand(scope, usage, blockedFor));
        var blocked = blockedFor > TimeSpan.Zero;
        if (blocked && scope.AccountId is not null)
        {
            // Meta estimates regain per use case, but an account throttled on one is at its limit on the other too
            // (codes 17 and 613 are account-wide): both wait, rather than spend a call to learn it again. One batch is
            // one transaction, so no worker finds one use case blocked and the other still open.
            var other = scope with { UseCase = scope.UseCase == MetaUseCase.AdsInsights ? MetaUseCase.AdsManagement : MetaUseCase.AdsInsights };
            batch.BatchCommands.Add(ReportCommand(other, usage, blockedFor));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (blocked)
        {
            logger.LogWarning("Rate gate: Meta throttled {Key}; every worker holds off for {Wait} (+ up to {Jitter} jitter)",
                KeyOf(scope), blockedFor, _options.BlockJitter);
        }
    }

    NpgsqlBatchCommand ReportCommand(RateScope scope, GraphUsage usage, TimeSpan? blockedFor)
    {
        var percent = scope.AccountId is null ? usage.AppPercent : usage.PercentFor(scope.UseCase);
        var command = new NpgsqlBatchCommand(ReportSql);
        AddScope(command.Parameters, scope);
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.InitialConcurrency });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.BucketSize });
        command.Parameters.Add(new NpgsqlParameter { Value = blockedFor is { } b && b > TimeSpan.Zero ? 100.0 : percent });
        command.Parameters.Add(new NpgsqlParameter { Value = blockedFor?.TotalSeconds ?? 0.0 });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.BlockJitter.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.MinConcurrency });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.MaxConcurrency });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.ShrinkAtPercent });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.GrowBelowPercent });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.ShrinkFactor });
        return command;
    }

    /// <summary>Every key's state, for <c>GET /api/ratelimits</c>.</summary>
    public async Task<IReadOnlyList<RateGateKeyStatus>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(StatusSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<RateGateKeyStatus>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new RateGateKeyStatus(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetInt32(5),
                reader.GetInt32(6),
                reader.GetInt32(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return keys;
    }

    async Task<bool> TryAcquireAsync(RateScope scope, string key, string lease, CancellationToken cancellationToken)
    {
        var accountBudget = _options.CallBudget > 0 && scope.AccountId is not null;
        if (accountBudget && !_ensured.ContainsKey(key))
        {
            await EnsureRowsAsync(scope, cancellationToken);
            _ensured.TryAdd(key, true);
        }

        await using var command = database.CreateCommand(accountBudget ? AcquireWithAccountBudgetSql : AcquireSql);
        AddScope(command.Parameters, scope);
        command.Parameters.Add(new NpgsqlParameter { Value = lease, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.LeaseTime.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.InitialConcurrency });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.TokensPerSecond });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.CallBudget == 0 ? 0.0 : _options.BucketSize });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.BudgetWindow.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.StopAtPercent });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.HighUsagePause.TotalSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.CallBudget });
        if (accountBudget)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = scope.AccountId });
        }

        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    async Task EnsureRowsAsync(RateScope scope, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(EnsureRowsSql);
        AddScope(command.Parameters, scope);
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.InitialConcurrency });
        command.Parameters.Add(new NpgsqlParameter { Value = scope.AccountId });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.BucketSize });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    async Task<TimeSpan> BlockedForAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(BlockedForSql);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        var seconds = await command.ExecuteScalarAsync(cancellationToken);
        return seconds is double s && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.Zero;
    }

    async Task ReleaseAsync(string key, string lease)
    {
        try
        {
            await using var command = database.CreateCommand(ReleaseSql);
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { Value = lease, NpgsqlDbType = NpgsqlDbType.Text });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            // The lease runs out by itself; the permit is late, not lost.
            logger.LogWarning("Rate gate: could not release a permit of {Key} ({Error}); it returns when its lease ends", key, ex.Message);
        }
    }

    static void AddScope(NpgsqlParameterCollection parameters, RateScope scope)
    {
        parameters.Add(new NpgsqlParameter { Value = KeyOf(scope) });
        parameters.Add(new NpgsqlParameter { Value = (object?)scope.AccountId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter { Value = GraphUsage.UseCaseType(scope.UseCase) });
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    sealed class Permit(PostgresRateGate gate, string key, string lease) : IAsyncDisposable
    {
        int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await gate.ReleaseAsync(key, lease);
            }
        }
    }
}
