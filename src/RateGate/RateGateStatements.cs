using MetaAdsSync.GraphApi;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.RateGate;

/// <summary>
/// The gate's statements on <c>rate_gate</c> (one row per key: the app, and each ad account per use case), each bound
/// by name to what it reads. Every statement is atomic and timed by the database's clock, so that all processes agree.
/// </summary>
sealed class RateGateStatements(NpgsqlDataSource database, RateGateOptions options)
{
    const string AppKey = PostgresRateGate.AppKey;

    // Leases as [{"id":…,"until":unix seconds}]; the live ones are those whose "until" is still ahead.
    static string LiveLeases(string row) =>
        $"jsonb_path_query_array({row}.leases, '$[*] ? (@.until > $now)', jsonb_build_object('now', extract(epoch from now())))";

    const string NewLease = "jsonb_build_array(jsonb_build_object('id', @lease::text, 'until', extract(epoch from now()) + @lease_seconds))";

    const string AppNotBlocked = $"NOT EXISTS (SELECT 1 FROM rate_gate a WHERE a.key = '{AppKey}' AND a.blocked_until > now())";

    // An explicit budget is counted as Meta counts it: calls in a sliding window, kept per slice of the window
    // ({"<slice number>":calls}, slices of BudgetWindow / Slices seconds). A call stays counted for two slices more than
    // the window: one for its way to Meta, one because Meta's slices need not line up with ours. So no window of Meta's
    // ever holds more than the budget. Within it a token bucket spends the budget evenly at the window's own pace:
    // filling the window in one burst would leave it idle until that burst had left it.
    const int Slices = RateGateOptions.BudgetSlices;
    const int CountedSlices = Slices + RateGateOptions.SlicesBeyondWindow;

    // now() is when the statement's transaction began: one that waited for a row lock can begin before the refill the
    // lock holder just wrote, so time never runs backwards here (a negative refill would spend a token twice).
    static string Tokens(string row) =>
        $"least(@bucket_size, {row}.tokens + greatest(0, extract(epoch from now() - {row}.tokens_at)) * @tokens_per_second)";

    const string CurrentSlice = "floor(extract(epoch from now()) / @slice_seconds)::bigint";

    static string WindowCount(string row) =>
        $"(SELECT coalesce(sum(s.value::int), 0) FROM jsonb_each_text({row}.slices) s WHERE s.key::bigint > {CurrentSlice} - {CountedSlices})";

    // The row's window without the slices that have left it, plus calls in the current slice.
    static string WindowPlus(string row, string calls) =>
        $"((SELECT coalesce(jsonb_object_agg(s.key, s.value), jsonb_build_object()) FROM jsonb_each({row}.slices) s WHERE s.key::bigint > {CurrentSlice} - {CountedSlices})"
        + $" || jsonb_build_object({CurrentSlice}::text, coalesce(({row}.slices ->> {CurrentSlice}::text)::int, 0) + {calls}))";

    static string WindowSeconds => $"@slice_seconds * {Slices}";

    static string WindowUsed(string row) =>
        $"CASE WHEN now() >= {row}.window_started_at + make_interval(secs => {WindowSeconds}) THEN 1 ELSE {row}.window_used + 1 END";

    static string WindowStartedAt(string row) =>
        $"CASE WHEN now() >= {row}.window_started_at + make_interval(secs => {WindowSeconds}) THEN now() ELSE {row}.window_started_at END";

    // Admits when: neither the key nor the app is blocked, a slot is free under the adaptive cap, and either (without a
    // budget) the last reported usage is under the stop mark or old enough for the window to have decayed, or (with one)
    // the bucket has a token and the window holds fewer calls than the budget; usage reported beyond the gate's own count
    // is counted into the window by the report. Used without a budget, and for the app key (its own window) with one.
    static readonly string AcquireSql = $"""
        INSERT INTO rate_gate AS g (key, account_id, use_case, allowed_concurrency, in_flight, leases,
                                    window_started_at, window_used, tokens, tokens_at, slices, usage_percent, updated_at)
        SELECT @key, @account_id, @use_case, @initial_concurrency, 1, {NewLease},
               now(), 1, greatest(@bucket_size - 1, 0), now(),
               CASE WHEN @budget > 0 THEN jsonb_build_object({CurrentSlice}::text, 1) ELSE jsonb_build_object() END, 0, now()
        WHERE {AppNotBlocked}
        ON CONFLICT (key) DO UPDATE SET
            leases = {LiveLeases("g")} || excluded.leases,
            in_flight = jsonb_array_length({LiveLeases("g")}) + 1,
            tokens = CASE WHEN @budget > 0 THEN {Tokens("g")} - 1 ELSE g.tokens END,
            tokens_at = greatest(g.tokens_at, now()),
            slices = CASE WHEN @budget > 0 THEN {WindowPlus("g", "1")} ELSE g.slices END,
            window_used = {WindowUsed("g")},
            window_started_at = {WindowStartedAt("g")},
            updated_at = now()
        WHERE coalesce(g.blocked_until, '-infinity') <= now()
          AND {AppNotBlocked}
          AND jsonb_array_length({LiveLeases("g")}) < greatest(1, floor(g.allowed_concurrency))
          AND (@budget > 0 OR g.usage_percent < @stop_at_percent OR g.usage_at IS NULL
               OR g.usage_at <= now() - make_interval(secs => @high_usage_pause_seconds))
          AND (@budget <= 0 OR ({Tokens("g")} >= 1 AND {WindowCount("g")} < @budget))
        RETURNING g.in_flight
        """;

    // With a budget an ad account's two use cases spend one bucket and window, on the account's own row, as Meta counts
    // an ad account's calls (X-Ad-Account-Usage) across them. Both rows are locked first, so that the key's slot and the
    // account's call are taken together or not at all; every value written comes from the locked (latest) rows.
    static readonly string AcquireWithAccountBudgetSql = $"""
        WITH locked AS (
            SELECT key, allowed_concurrency, leases, blocked_until, tokens, tokens_at, slices, window_started_at, window_used
            FROM rate_gate WHERE key IN (@key, @window_key) ORDER BY key FOR UPDATE
        ),
        k AS (SELECT * FROM locked WHERE key = @key),
        a AS (SELECT * FROM locked WHERE key = @window_key),
        admitted AS (
            SELECT 1 FROM k, a
            WHERE coalesce(k.blocked_until, '-infinity') <= now()
              AND {AppNotBlocked}
              AND jsonb_array_length({LiveLeases("k")}) < greatest(1, floor(k.allowed_concurrency))
              AND {Tokens("a")} >= 1
              AND {WindowCount("a")} < @budget
        ),
        spent AS (
            UPDATE rate_gate g SET
                tokens = {Tokens("a")} - 1,
                tokens_at = greatest(a.tokens_at, now()),
                slices = {WindowPlus("a", "1")},
                window_used = {WindowUsed("a")},
                window_started_at = {WindowStartedAt("a")},
                updated_at = now()
            FROM a WHERE g.key = a.key AND EXISTS (SELECT 1 FROM admitted)
        )
        UPDATE rate_gate g SET
            leases = {LiveLeases("k")} || {NewLease},
            in_flight = jsonb_array_length({LiveLeases("k")}) + 1,
            window_used = {WindowUsed("k")},
            window_started_at = {WindowStartedAt("k")},
            updated_at = now()
        FROM k WHERE g.key = k.key AND EXISTS (SELECT 1 FROM admitted)
        RETURNING g.in_flight
        """;

    // The rows the statement above locks must exist: a key's on its first use in this process, its account's bucket full and window empty.
    const string EnsureRowsSql = """
        INSERT INTO rate_gate (key, account_id, use_case, allowed_concurrency, in_flight, window_started_at, window_used,
                               tokens, tokens_at, usage_percent, updated_at)
        VALUES (@key, @account_id, @use_case, @initial_concurrency, 0, now(), 0, 0, now(), 0, now()),
               (@window_key, @account_id, 'account', 0, 0, now(), 0, @bucket_size, now(), 0, now())
        ON CONFLICT (key) DO NOTHING
        """;

    const string ReleaseLeases =
        "jsonb_path_query_array(g.leases, '$[*] ? (@.until > $now && @.id != $id)', jsonb_build_object('now', extract(epoch from now()), 'id', @lease::text))";

    // Only a release from a full key can let a waiter for a slot in, so only that one notifies (most calls then cost
    // no notice); it reaches the listening processes when the release commits, so a waiter that wakes finds the slot free.
    const string ReleaseSql = $"""
        WITH released AS (
            UPDATE rate_gate g SET leases = {ReleaseLeases}, in_flight = jsonb_array_length({ReleaseLeases}), updated_at = now()
            WHERE g.key = @key
            RETURNING g.key, g.in_flight + 1 >= greatest(1, floor(g.allowed_concurrency)) AS was_full
        )
        SELECT pg_notify('{GateSignals.ReleasedChannel}', key) FROM released WHERE was_full
        """;

    // Growth is +1 per round of calls (+1/c per report) and shrinking ×factor per round (×factor^(1/c) per report),
    // so the cap moves at the same pace however many calls report. A throttle drops it to the floor. Only usage and
    // throttles move it: an error that is no rate-limit signal reports the usage headers it came with, nothing more.
    // A report that lifts the cap by a whole slot while a slot is free notifies like a release from a full key, naming how
    // many slots it added ("key n": PostgreSQL delivers identical notices of one transaction once, and the release in the
    // same batch names the key alone): callers may be waiting for them, and no release will announce them. The row is
    // locked and read first (the upsert reads "before" to be sure of it: read after the upsert, the row would be this
    // statement's own update, which FOR UPDATE skips), so the cap compared is the one the update starts from.
    static readonly string ReportSql = $"""
        WITH before AS (SELECT allowed_concurrency FROM rate_gate WHERE key = @key FOR UPDATE),
        reported AS (
            INSERT INTO rate_gate AS g (key, account_id, use_case, allowed_concurrency, in_flight, window_started_at, window_used,
                                        tokens, tokens_at, usage_percent, usage_at, blocked_until, updated_at)
            SELECT @key, @account_id, @use_case, @initial_concurrency, 0, now(), 0, @bucket_size, now(), @usage_percent, now(),
                   CASE WHEN @blocked_seconds > 0 THEN now() + make_interval(secs => @blocked_seconds + random() * @jitter_seconds) END, now()
            FROM (SELECT count(*) FROM before) AS locked_first
            ON CONFLICT (key) DO UPDATE SET
                usage_percent = excluded.usage_percent,
                usage_at = now(),
                blocked_until = CASE WHEN @blocked_seconds > 0 THEN greatest(coalesce(g.blocked_until, '-infinity'), excluded.blocked_until) ELSE g.blocked_until END,
                allowed_concurrency = CASE
                    WHEN @blocked_seconds > 0 THEN @min_concurrency
                    WHEN @usage_percent >= @shrink_at_percent
                        THEN greatest(@min_concurrency, g.allowed_concurrency * power(@shrink_factor, 1 / greatest(1, g.allowed_concurrency)))
                    WHEN @usage_percent < @grow_below_percent THEN least(@max_concurrency, g.allowed_concurrency + 1 / greatest(1, g.allowed_concurrency))
                    ELSE g.allowed_concurrency END,
                updated_at = now()
            RETURNING g.key, g.allowed_concurrency, {LiveLeases("g")} AS live
        )
        SELECT pg_notify('{GateSignals.ReleasedChannel}', r.key || ' ' || least(floor(r.allowed_concurrency) - floor(b.allowed_concurrency),
                                                                          floor(r.allowed_concurrency) - jsonb_array_length(r.live))::int)
        FROM reported r, before b
        WHERE floor(r.allowed_concurrency) > floor(b.allowed_concurrency) AND jsonb_array_length(r.live) < greatest(1, floor(r.allowed_concurrency))
        """;

    // With a budget: Meta's usage (a percentage of the budget) beyond what the window holds is calls the gate did not
    // make (another client of the account or app, or a budget smaller than Meta's); they are counted in the current slice
    // so that the window never promises what Meta has already spent.
    const string UsedCalls = "floor(@usage_percent * @budget / 100 + 1e-6)";

    static readonly string CountReportedUsageSql = $"""
        UPDATE rate_gate g SET slices = {WindowPlus("g", $"({UsedCalls}::int - {WindowCount("g")})")}, updated_at = now()
        WHERE g.key = @window_key AND {UsedCalls} > {WindowCount("g")}
        """;

    // Why a caller must wait: the longer of the key's and the app's block, in seconds from now (≤ 0 when none).
    const string BlockedForSql = $"""
        SELECT extract(epoch from greatest(
            (SELECT blocked_until FROM rate_gate WHERE key = @key),
            (SELECT blocked_until FROM rate_gate WHERE key = '{AppKey}')) - now())::float8
        """;

    static readonly string StatusSql = $"""
        SELECT key, account_id, use_case, usage_percent, usage_at, greatest(1, floor(allowed_concurrency))::int,
               jsonb_array_length({LiveLeases("g")}), window_used, window_started_at,
               CASE WHEN blocked_until > now() THEN blocked_until END
        FROM rate_gate g ORDER BY key
        """;

    double SliceSeconds => options.BudgetWindow.TotalSeconds / Slices;

    /// <summary>Takes a slot of the key (and, with a budget, a call of the app's window); a row back means admitted.</summary>
    public NpgsqlCommand Acquire(RateScope scope, string lease)
    {
        var command = database.CreateCommand(AcquireSql);
        AddScope(command.Parameters, scope);
        AddLease(command.Parameters, lease);
        AddBudget(command.Parameters);
        command.Parameters.AddWithValue("initial_concurrency", (double)options.InitialConcurrency);
        command.Parameters.AddWithValue("stop_at_percent", options.StopAtPercent);
        command.Parameters.AddWithValue("high_usage_pause_seconds", options.HighUsagePause.TotalSeconds);
        return command;
    }

    /// <summary>Takes a slot of the key and a call of its account's window together; a row back means admitted.</summary>
    public NpgsqlCommand AcquireWithAccountBudget(RateScope scope, string lease)
    {
        var command = database.CreateCommand(AcquireWithAccountBudgetSql);
        command.Parameters.AddWithValue("key", PostgresRateGate.KeyOf(scope));
        command.Parameters.AddWithValue("window_key", PostgresRateGate.WindowKeyOf(scope));
        AddLease(command.Parameters, lease);
        AddBudget(command.Parameters);
        return command;
    }

    public NpgsqlCommand EnsureRows(RateScope scope)
    {
        var command = database.CreateCommand(EnsureRowsSql);
        AddScope(command.Parameters, scope);
        command.Parameters.AddWithValue("window_key", PostgresRateGate.WindowKeyOf(scope));
        command.Parameters.AddWithValue("initial_concurrency", (double)options.InitialConcurrency);
        command.Parameters.AddWithValue("bucket_size", options.BucketSize);
        return command;
    }

    /// <summary>Locks the keys' rows (those that exist) in key order, first in a batch that updates several of them.</summary>
    public static NpgsqlBatchCommand LockInKeyOrder(string[] keys) =>
        new("SELECT 1 FROM rate_gate WHERE key = ANY(@keys) ORDER BY key FOR UPDATE") { Parameters = { new("keys", keys) } };

    /// <summary>Gives a permit back: alone, or in the batch of the call's report (the same round trip).</summary>
    public static NpgsqlBatchCommand Release(string key, string lease)
    {
        var command = new NpgsqlBatchCommand(ReleaseSql);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("lease", NpgsqlDbType.Text, lease);
        return command;
    }

    /// <summary>A call's usage (100 % when throttled) and block, if any, on the scope's key.</summary>
    public NpgsqlBatchCommand Report(RateScope scope, GraphUsage usage, TimeSpan? blockedFor)
    {
        var blocked = blockedFor is { } b && b > TimeSpan.Zero;
        var percent = scope.AccountId is null ? usage.AppPercent : usage.PercentFor(scope.UseCase);
        var command = new NpgsqlBatchCommand(ReportSql);
        AddScope(command.Parameters, scope);
        command.Parameters.AddWithValue("initial_concurrency", (double)options.InitialConcurrency);
        command.Parameters.AddWithValue("bucket_size", options.BucketSize);
        command.Parameters.AddWithValue("usage_percent", blocked ? 100.0 : percent);
        command.Parameters.AddWithValue("blocked_seconds", blockedFor?.TotalSeconds ?? 0.0);
        command.Parameters.AddWithValue("jitter_seconds", options.BlockJitter.TotalSeconds);
        command.Parameters.AddWithValue("min_concurrency", (double)options.MinConcurrency);
        command.Parameters.AddWithValue("max_concurrency", (double)options.MaxConcurrency);
        command.Parameters.AddWithValue("shrink_at_percent", options.ShrinkAtPercent);
        command.Parameters.AddWithValue("grow_below_percent", options.GrowBelowPercent);
        command.Parameters.AddWithValue("shrink_factor", options.ShrinkFactor);
        return command;
    }

    /// <summary>An ad account's usage goes to the window its two use cases share, the app's to the app's.</summary>
    public NpgsqlBatchCommand CountReportedUsage(RateScope scope, double percent)
    {
        var command = new NpgsqlBatchCommand(CountReportedUsageSql);
        command.Parameters.AddWithValue("window_key", PostgresRateGate.WindowKeyOf(scope));
        command.Parameters.AddWithValue("usage_percent", percent);
        command.Parameters.AddWithValue("budget", (double)options.CallBudget);
        command.Parameters.AddWithValue("slice_seconds", SliceSeconds);
        return command;
    }

    public NpgsqlCommand BlockedFor(string key)
    {
        var command = database.CreateCommand(BlockedForSql);
        command.Parameters.AddWithValue("key", key);
        return command;
    }

    public NpgsqlCommand Status() => database.CreateCommand(StatusSql);

    static void AddScope(NpgsqlParameterCollection parameters, RateScope scope)
    {
        parameters.AddWithValue("key", PostgresRateGate.KeyOf(scope));
        parameters.AddWithValue("account_id", NpgsqlDbType.Text, (object?)scope.AccountId ?? DBNull.Value);
        parameters.AddWithValue("use_case", GraphUsage.UseCaseType(scope.UseCase));
    }

    void AddLease(NpgsqlParameterCollection parameters, string lease)
    {
        parameters.AddWithValue("lease", NpgsqlDbType.Text, lease);
        parameters.AddWithValue("lease_seconds", options.LeaseTime.TotalSeconds);
    }

    // The window and bucket of an explicit budget (0: none).
    void AddBudget(NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("budget", (double)options.CallBudget);
        parameters.AddWithValue("slice_seconds", SliceSeconds);
        parameters.AddWithValue("tokens_per_second", options.TokensPerSecond);
        parameters.AddWithValue("bucket_size", options.BucketSize);
    }
}
