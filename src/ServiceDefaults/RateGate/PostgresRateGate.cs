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
/// worker's permits come back by themselves. A throttle a process hears of holds its own callers off at once, before
/// the shared record of it commits, and a permit granted in that gap is handed back unused. A waiting caller is woken
/// when any process releases a permit of its key (LISTEN/NOTIFY), and otherwise asks again at a bounded, jittered
/// interval; waiting is cancellable.
/// </summary>
public sealed class PostgresRateGate(
    NpgsqlDataSource database,
    IOptions<RateGateOptions> options,
    IOptions<MetaOptions> meta,
    TimeProvider time,
    ILogger<PostgresRateGate> logger) : IRateGate, IAsyncDisposable
{
    public const string AppKey = "app";

    // Leases as [{"id":…,"until":unix seconds}]; the live ones are those whose "until" is still ahead.
    const string LiveLeases = "jsonb_path_query_array(g.leases, '$[*] ? (@.until > $now)', jsonb_build_object('now', extract(epoch from now())))";
    const string LiveLeasesOfK = "jsonb_path_query_array(k.leases, '$[*] ? (@.until > $now)', jsonb_build_object('now', extract(epoch from now())))";

    const string AppNotBlocked = $"NOT EXISTS (SELECT 1 FROM rate_gate a WHERE a.key = '{AppKey}' AND a.blocked_until > now())";

    // An explicit budget is counted as Meta counts it: calls in a sliding window, kept per slice of the window
    // ({"<slice number>":calls}, slices of BudgetWindow / Slices seconds, $8 below). A call stays counted for two slices
    // more than the window: one for its way to Meta, one because Meta's slices need not line up with ours. So no window
    // of Meta's ever holds more than the budget. Within it a token bucket ($9 per second, $10 at most) spends the budget
    // evenly at the window's own pace: filling the window in one burst would leave it idle until that burst had left it.
    const int Slices = RateGateOptions.BudgetSlices;
    const int CountedSlices = Slices + RateGateOptions.SlicesBeyondWindow;

    // now() is when the statement's transaction began: one that waited for a row lock can begin before the refill the
    // lock holder just wrote, so time never runs backwards here (a negative refill would spend a token twice).
    static string Tokens(string row) => $"least($10, {row}.tokens + greatest(0, extract(epoch from now() - {row}.tokens_at)) * $9)";

    static string CurrentSlice(string sliceSeconds) => $"floor(extract(epoch from now()) / {sliceSeconds})::bigint";

    static string WindowCount(string row, string sliceSeconds) =>
        $"(SELECT coalesce(sum(s.value::int), 0) FROM jsonb_each_text({row}.slices) s WHERE s.key::bigint > {CurrentSlice(sliceSeconds)} - {CountedSlices})";

    // The row's window without the slices that have left it, plus calls in the current slice.
    static string WindowPlus(string row, string calls, string sliceSeconds) =>
        $"((SELECT coalesce(jsonb_object_agg(s.key, s.value), jsonb_build_object()) FROM jsonb_each({row}.slices) s WHERE s.key::bigint > {CurrentSlice(sliceSeconds)} - {CountedSlices})"
        + $" || jsonb_build_object({CurrentSlice(sliceSeconds)}::text, coalesce(({row}.slices ->> {CurrentSlice(sliceSeconds)}::text)::int, 0) + {calls}))";

    static string WindowUsed(string row, string windowSeconds) =>
        $"CASE WHEN now() >= {row}.window_started_at + make_interval(secs => {windowSeconds}) THEN 1 ELSE {row}.window_used + 1 END";

    static string WindowStartedAt(string row, string windowSeconds) =>
        $"CASE WHEN now() >= {row}.window_started_at + make_interval(secs => {windowSeconds}) THEN now() ELSE {row}.window_started_at END";

    // Admits when: neither the key nor the app is blocked, a slot is free under the adaptive cap, and either (without a
    // budget, $7 = 0) the last reported usage is under the stop mark $11 or old enough ($12) for the window to have decayed,
    // or (with one) the bucket has a token and the window holds fewer calls than the budget; usage reported beyond the gate's own count is
    // counted into the window by the report. Used without a budget, and for the app key (its own window) with one.
    static readonly string AcquireSql = $"""
        INSERT INTO rate_gate AS g (key, account_id, use_case, allowed_concurrency, in_flight, leases,
                                    window_started_at, window_used, tokens, tokens_at, slices, usage_percent, updated_at)
        SELECT $1, $2, $3, $6, 1, jsonb_build_array(jsonb_build_object('id', $4::text, 'until', extract(epoch from now()) + $5)),
               now(), 1, greatest($10 - 1, 0), now(), CASE WHEN $7 > 0 THEN jsonb_build_object({CurrentSlice("$8")}::text, 1) ELSE jsonb_build_object() END, 0, now()
        WHERE {AppNotBlocked}
        ON CONFLICT (key) DO UPDATE SET
            leases = {LiveLeases} || excluded.leases,
            in_flight = jsonb_array_length({LiveLeases}) + 1,
            tokens = CASE WHEN $7 > 0 THEN {Tokens("g")} - 1 ELSE g.tokens END,
            tokens_at = greatest(g.tokens_at, now()),
            slices = CASE WHEN $7 > 0 THEN {WindowPlus("g", "1", "$8")} ELSE g.slices END,
            window_used = {WindowUsed("g", $"$8 * {Slices}")},
            window_started_at = {WindowStartedAt("g", $"$8 * {Slices}")},
            updated_at = now()
        WHERE coalesce(g.blocked_until, '-infinity') <= now()
          AND {AppNotBlocked}
          AND jsonb_array_length({LiveLeases}) < greatest(1, floor(g.allowed_concurrency))
          AND ($7 > 0 OR g.usage_percent < $11 OR g.usage_at IS NULL OR g.usage_at <= now() - make_interval(secs => $12))
          AND ($7 <= 0 OR ({Tokens("g")} >= 1 AND {WindowCount("g", "$8")} < $7))
        RETURNING g.in_flight
        """;

    // With a budget an ad account's two use cases spend one bucket and window, on the account's own row ($11), as Meta counts an
    // ad account's calls (X-Ad-Account-Usage) across them. Both rows are locked first, so that the key's slot and the
    // account's call are taken together or not at all; every value written comes from the locked (latest) rows.
    static readonly string AcquireWithAccountBudgetSql = $"""
        WITH locked AS (
            SELECT key, allowed_concurrency, leases, blocked_until, tokens, tokens_at, slices, window_started_at, window_used
            FROM rate_gate WHERE key IN ($1, $11) ORDER BY key FOR UPDATE
        ),
        k AS (SELECT * FROM locked WHERE key = $1),
        a AS (SELECT * FROM locked WHERE key = $11),
        admitted AS (
            SELECT 1 FROM k, a
            WHERE coalesce(k.blocked_until, '-infinity') <= now()
              AND {AppNotBlocked}
              AND jsonb_array_length({LiveLeasesOfK}) < greatest(1, floor(k.allowed_concurrency))
              AND {Tokens("a")} >= 1
              AND {WindowCount("a", "$8")} < $7
        ),
        spent AS (
            UPDATE rate_gate g SET
                tokens = {Tokens("a")} - 1,
                tokens_at = greatest(a.tokens_at, now()),
                slices = {WindowPlus("a", "1", "$8")},
                window_used = {WindowUsed("a", $"$8 * {Slices}")},
                window_started_at = {WindowStartedAt("a", $"$8 * {Slices}")},
                updated_at = now()
            FROM a WHERE g.key = a.key AND EXISTS (SELECT 1 FROM admitted)
        )
        UPDATE rate_gate g SET
            leases = {LiveLeasesOfK} || jsonb_build_array(jsonb_build_object('id', $4::text, 'until', extract(epoch from now()) + $5)),
            in_flight = jsonb_array_length({LiveLeasesOfK}) + 1,
            window_used = {WindowUsed("k", $"$8 * {Slices}")},
            window_started_at = {WindowStartedAt("k", $"$8 * {Slices}")},
            updated_at = now()
        FROM k WHERE g.key = k.key AND EXISTS (SELECT 1 FROM admitted)
        RETURNING g.in_flight
        """;

    // The rows the statement above locks must exist: a key's on its first use in this process, its account's bucket full and window empty.
    const string EnsureRowsSql = """
        INSERT INTO rate_gate (key, account_id, use_case, allowed_concurrency, in_flight, window_started_at, window_used,
                               tokens, tokens_at, usage_percent, updated_at)
        VALUES ($1, $2, $3, $4, 0, now(), 0, 0, now(), 0, now()),
               ($5, $2, 'account', 0, 0, now(), 0, $6, now(), 0, now())
        ON CONFLICT (key) DO NOTHING
        """;

    const string ReleaseLeases = "jsonb_path_query_array(g.leases, '$[*] ? (@.until > $now && @.id != $id)', jsonb_build_object('now', extract(epoch from now()), 'id', $2::text))";

    // Only a release from a full key can let a waiter for a slot in, so only that one notifies (most calls then cost
    // no notice); it reaches the listening processes when the release commits, so a waiter that wakes finds the slot free.
    static readonly string ReleaseSql = $"""
        WITH released AS (
            UPDATE rate_gate g SET leases = {ReleaseLeases}, in_flight = jsonb_array_length({ReleaseLeases}), updated_at = now()
            WHERE g.key = $1
            RETURNING g.key, g.in_flight + 1 >= greatest(1, floor(g.allowed_concurrency)) AS was_full
        )
        SELECT pg_notify('{ReleaseSignals.Channel}', key) FROM released WHERE was_full
        """;

    // Growth is +1 per round of calls (+1/c per report) and shrinking ×factor per round (×factor^(1/c) per report),
    // so the cap moves at the same pace however many calls report. A throttle drops it to the floor. Only usage and
    // throttles move it: an error that is no rate-limit signal reports the usage headers it came with, nothing more.
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

    // With a budget: Meta's usage ($2 percent of the budget $3) beyond what the window holds is calls the gate did not
    // make (another client of the account or app, or a budget smaller than Meta's); they are counted in the current slice
    // so that the window never promises what Meta has already spent.
    static readonly string CountReportedUsageSql = $"""
        UPDATE rate_gate g SET slices = {WindowPlus("g", $"(floor($2 * $3 / 100 + 1e-6)::int - {WindowCount("g", "$4")})", "$4")}, updated_at = now()
        WHERE g.key = $1 AND floor($2 * $3 / 100 + 1e-6) > {WindowCount("g", "$4")}
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
    readonly ConcurrentDictionary<string, DateTimeOffset> _heard = new(StringComparer.Ordinal);
    readonly ReleaseSignals _released = new(database, logger);

    public static string KeyOf(RateScope scope) => scope.AccountId is null ? AppKey : $"{scope.AccountId}/{GraphUsage.UseCaseType(scope.UseCase)}";

    public async ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken)
    {
        var key = KeyOf(scope);
        var lease = Guid.NewGuid().ToString("N");
        var deadline = time.GetUtcNow() + _options.AcquireTimeout;
        var logged = false;
        while (true)
        {
            // Asked for before trying, so that a release between a refusal and the wait still wakes this caller.
            var released = _released.Next(key);
            if (HeardBlockedFor(key) == TimeSpan.Zero && await TryAcquireAsync(scope, key, lease, cancellationToken))
            {
                // A refusal this process heard while the permit was granted wins: its shared record is still on the way.
                // (With a budget the handed-back permit has spent a token; the throttle's report fills the window anyway.)
                if (HeardBlockedFor(key) == TimeSpan.Zero)
                {
                    return new Permit(this, key, lease);
                }

                await ReleaseAsync(key, lease);
            }

            var blocked = Max(HeardBlockedFor(key), await BlockedForAsync(key, cancellationToken));
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
            if (blocked > TimeSpan.Zero)
            {
                await Task.Delay(Min(blocked + poll / 2, deadline - now), time, cancellationToken);
                continue;
            }

            // A slot comes free when a permit is released (anywhere: the notice wakes this caller at once); the stop
            // mark and a budget's window free up with time, which the poll covers.
            await _released.ListeningAsync(cancellationToken);
            logger.LogDebug("Rate gate: no permit for {Key} yet; waiting for a release or {Poll}", key, poll);
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var polled = Task.Delay(Min(poll, deadline - now), time, stopWaiting.Token);
            await Task.WhenAny(released, polled);
            await stopWaiting.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public async ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken)
    {
        var blocked = blockedFor > TimeSpan.Zero;
        if (blocked)
        {
            // This process's callers hold off at once, not only once the shared record below has committed: a caller
            // of this process granted a permit in the meantime would otherwise call into the block it just heard of.
            Hear(scope, blockedFor!.Value);
        }

        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(ReportCommand(scope, usage, blockedFor));
        if (_options.CallBudget > 0)
        {
            batch.BatchCommands.Add(CountReportedUsageCommand(scope, blocked ? 100 : scope.AccountId is null ? usage.AppPercent : usage.AccountPercentFor(scope.UseCase)));
        }

        if (blocked && scope.AccountId is not null)
        {
            // Meta estimates regain per use case, but an account throttled on one is at its limit on the other too
            // (codes 17 and 613 are account-wide): both wait, rather than spend a call to learn it again. One batch is
            // one transaction, so no worker finds one use case blocked and the other still open.
            batch.BatchCommands.Add(ReportCommand(OtherUseCase(scope), usage, blockedFor));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (blocked)
        {
            logger.LogWarning("Rate gate: Meta throttled {Key}; every worker holds off for {Wait} (+ up to {Jitter} jitter)",
                KeyOf(scope), blockedFor, _options.BlockJitter);
        }
    }

    static RateScope OtherUseCase(RateScope scope) =>
        scope with { UseCase = scope.UseCase == MetaUseCase.AdsInsights ? MetaUseCase.AdsManagement : MetaUseCase.AdsInsights };

    // The blocks this process heard of, by key: the shared record lasts at least as long (it adds jitter). One entry per
    // key ever throttled, so nothing needs clearing.
    void Hear(RateScope scope, TimeSpan blockedFor)
    {
        var until = time.GetUtcNow() + blockedFor;
        foreach (var key in scope.AccountId is null ? [AppKey] : new[] { KeyOf(scope), KeyOf(OtherUseCase(scope)) })
        {
            _heard.AddOrUpdate(key, until, (_, known) => Max(known, until));
        }
    }

    TimeSpan HeardBlockedFor(string key)
    {
        var until = Max(_heard.GetValueOrDefault(key), _heard.GetValueOrDefault(AppKey));
        var now = time.GetUtcNow();
        return until > now ? until - now : TimeSpan.Zero;
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

    // An ad account's usage goes to the window its two use cases share, the app's to the app's.
    NpgsqlBatchCommand CountReportedUsageCommand(RateScope scope, double percent)
    {
        var command = new NpgsqlBatchCommand(CountReportedUsageSql);
        command.Parameters.Add(new NpgsqlParameter { Value = scope.AccountId ?? AppKey });
        command.Parameters.Add(new NpgsqlParameter { Value = percent });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.CallBudget });
        command.Parameters.Add(new NpgsqlParameter { Value = SliceSeconds });
        return command;
    }

    double SliceSeconds => _options.BudgetWindow.TotalSeconds / Slices;

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
        command.Parameters.Add(new NpgsqlParameter { Value = (double)_options.CallBudget });
        command.Parameters.Add(new NpgsqlParameter { Value = SliceSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.TokensPerSecond });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.BucketSize });
        if (accountBudget)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = scope.AccountId });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter { Value = _options.StopAtPercent });
            command.Parameters.Add(new NpgsqlParameter { Value = _options.HighUsagePause.TotalSeconds });
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

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public ValueTask DisposeAsync() => _released.DisposeAsync();

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
