using System.Collections.Concurrent;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.RateGate;

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
/// each ad account per use case; the statements are <see cref="RateGateStatements"/>). Acquire, release and report are
/// one atomic statement each, timed by the database's clock so that all processes agree. A permit is a lease that
/// expires after <c>RateGate:LeaseTime</c>, so a killed worker's permits come back by themselves. A throttle a process hears of holds its own callers off at once, before
/// the shared record of it commits, and a permit granted in that gap is handed back unused; the record's commit tells every
/// other process (<see cref="GateSignals"/>), whose callers then hold off without asking PostgreSQL (<see cref="KnownBlockFor"/>,
/// the transport's last check before each call). A waiting caller is woken
/// when any process releases a permit of its key (LISTEN/NOTIFY), and otherwise asks again at a bounded, jittered
/// interval; waiting is cancellable. Every statement takes a connection of <paramref name="database"/> for itself alone
/// (none is held while a permit is, across the Graph call); the one that listens is <paramref name="listenDatabase"/>'s,
/// for as long as the gate lives (a session connection: a pool in transaction mode would not deliver the notices).
/// </summary>
public sealed class PostgresRateGate(
    NpgsqlDataSource database,
    IOptions<RateGateOptions> options,
    TimeProvider time,
    ILogger<PostgresRateGate> logger,
    NpgsqlDataSource? listenDatabase = null) : IRateGate, IAsyncDisposable
{
    public const string AppKey = "app";

    readonly RateGateOptions _options = options.Value;
    readonly RateGateStatements _statements = new(database, options.Value);
    readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);
    readonly GateSignals _signals = new(listenDatabase ?? database, new HeardBlocks(time), logger);

    HeardBlocks Heard => _signals.Heard;

    public static string KeyOf(RateScope scope) => scope.AccountId is null ? AppKey : $"{scope.AccountId}/{GraphUsage.UseCaseType(scope.UseCase)}";

    /// <summary>The key whose window a scope's calls count in under a budget: its ad account's (both use cases), or the app's.</summary>
    public static string WindowKeyOf(RateScope scope) => scope.AccountId ?? AppKey;

    public async ValueTask<IAsyncDisposable> AcquireAsync(RateScope scope, CancellationToken cancellationToken)
    {
        var key = KeyOf(scope);
        var lease = Guid.NewGuid().ToString("N");
        var deadline = time.GetUtcNow() + _options.AcquireTimeout;
        var logged = false;
        while (true)
        {
            // Asked for before trying, so that a release between a refusal and the wait still wakes this caller; left at the
            // end of the turn, so that a later notice goes to a caller still waiting.
            using var released = _signals.Next(key);
            if (Heard.BlockedFor(key) == TimeSpan.Zero && await TryAcquireAsync(scope, key, lease, cancellationToken))
            {
                // A refusal this process heard while the permit was granted wins: its shared record is still on the way.
                // (With a budget the handed-back permit has spent a token; the throttle's report fills the window anyway.)
                if (Heard.BlockedFor(key) == TimeSpan.Zero)
                {
                    return new Permit(this, key, lease);
                }

                await ReleaseAsync(key, lease);
            }

            var blocked = Max(Heard.BlockedFor(key), await BlockedForAsync(key, cancellationToken));
            if (blocked > _options.MaxThrottleWait)
            {
                throw new RateGateBlockedException(
                    new GraphError(GraphErrorKind.Throttled, $"Meta throttles {scope} for {blocked:g} more", RegainAccessIn: blocked),
                    $"not waiting longer than RateGate:MaxThrottleWait ({_options.MaxThrottleWait:g})");
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
            await _signals.ListeningAsync(cancellationToken);
            logger.LogDebug("Rate gate: no permit for {Key} yet; waiting for a release or {Poll}", key, poll);
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var polled = Task.Delay(Min(poll, deadline - now), time, stopWaiting.Token);
            await Task.WhenAny(released.Task, polled);
            await stopWaiting.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, CancellationToken cancellationToken) =>
        ReportAsync(scope, usage, blockedFor, null, cancellationToken);

    /// <summary>The report and the permit's release in one batch: one round trip and one transaction instead of two.</summary>
    public async ValueTask ReportAndReleaseAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, IAsyncDisposable permit, CancellationToken cancellationToken)
    {
        if (permit is Permit own && own.Of(this))
        {
            await ReportAsync(scope, usage, blockedFor, own, cancellationToken);
            return;
        }

        await ReportAsync(scope, usage, blockedFor, null, cancellationToken);
        await permit.DisposeAsync();
    }

    async ValueTask ReportAsync(RateScope scope, GraphUsage usage, TimeSpan? blockedFor, Permit? releasing, CancellationToken cancellationToken)
    {
        var blocked = blockedFor > TimeSpan.Zero;
        string[] blockedKeys = !blocked ? [] : scope.AccountId is null ? [AppKey] : [KeyOf(scope), KeyOf(OtherUseCase(scope))];
        if (blocked)
        {
            // This process's callers hold off at once, not only once the shared record below has committed: a caller
            // of this process granted a permit in the meantime would otherwise call into the block it just heard of.
            Heard.Hear(blockedKeys, blockedFor!.Value);
        }

        await using var batch = database.CreateBatch();
        // Rows are locked in key order, as the account's acquire locks them (the account's row sorts before its use
        // cases'): a report that took its key first and the account's window second could deadlock with an acquire.
        string[] written = [.. blocked ? blockedKeys : [KeyOf(scope)], .. _options.CallBudget > 0 && scope.AccountId is not null ? [WindowKeyOf(scope)] : Array.Empty<string>()];
        if (written.Length > 1)
        {
            batch.BatchCommands.Add(RateGateStatements.LockInKeyOrder(written));
        }

        // The release goes first, so that whether the key was full (and a waiting caller is told of the slot) is judged
        // by the cap the call was admitted under: a report that lifts the cap first would hide a full key's release.
        // The report tells of a slot the lift itself adds. Both commit together, before any notice is delivered.
        if (releasing?.Take() is { } lease)
        {
            batch.BatchCommands.Add(RateGateStatements.Release(lease.Key, lease.Id));
        }

        batch.BatchCommands.Add(_statements.Report(scope, usage, blockedFor));
        if (_options.CallBudget > 0)
        {
            batch.BatchCommands.Add(_statements.CountReportedUsage(scope, blocked ? 100 : scope.AccountId is null ? usage.AppPercent : usage.AccountPercentFor(scope.UseCase)));
        }

        if (blocked && scope.AccountId is not null)
        {
            // Meta estimates regain per use case, but an account throttled on one is at its limit on the other too
            // (codes 17 and 613 are account-wide): both wait, rather than spend a call to learn it again. One batch is
            // one transaction, so no worker finds one use case blocked and the other still open.
            batch.BatchCommands.Add(_statements.Report(OtherUseCase(scope), usage, blockedFor));
        }

        if (blocked)
        {
            // Every process hears of it as the record commits and holds off its callers, those already granted a permit
            // before the commit included (the last check before a call is local: see KnownBlockFor).
            batch.BatchCommands.Add(GateSignals.NotifyBlocked(blockedKeys, blockedFor!.Value));
        }

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch when (releasing is not null)
        {
            // The permit still goes back, on its own; the report's failure is the one that counts.
            await ReleaseAsync(releasing.Key, releasing.Lease);
            throw;
        }

        if (blocked)
        {
            logger.LogWarning("Rate gate: Meta throttled {Key}; every worker holds off for {Wait} (+ up to {Jitter} jitter)",
                KeyOf(scope), blockedFor, _options.BlockJitter);
        }
    }

    static RateScope OtherUseCase(RateScope scope) =>
        scope with { UseCase = scope.UseCase == MetaUseCase.AdsInsights ? MetaUseCase.AdsManagement : MetaUseCase.AdsInsights };

    /// <summary>Every key's state, for <c>GET /api/ratelimits</c>.</summary>
    public async Task<IReadOnlyList<RateGateKeyStatus>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = _statements.Status();
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
            // The rows the statement locks must exist: the key's, and its account's with the bucket full and the window empty.
            await using (var ensure = _statements.EnsureRows(scope))
            {
                await ensure.ExecuteNonQueryAsync(cancellationToken);
            }

            _ensured.TryAdd(key, true);
        }

        await using var command = accountBudget ? _statements.AcquireWithAccountBudget(scope, lease) : _statements.Acquire(scope, lease);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public TimeSpan KnownBlockFor(RateScope scope) => Heard.BlockedFor(KeyOf(scope));

    public async ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken)
    {
        var key = KeyOf(scope);
        return Max(Heard.BlockedFor(key), await BlockedForAsync(key, cancellationToken));
    }

    async Task<TimeSpan> BlockedForAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = _statements.BlockedFor(key);
        var seconds = await command.ExecuteScalarAsync(cancellationToken);
        return seconds is double s && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.Zero;
    }

    async Task ReleaseAsync(string key, string lease)
    {
        try
        {
            await using var batch = database.CreateBatch();
            batch.BatchCommands.Add(RateGateStatements.Release(key, lease));
            await batch.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            // The lease runs out by itself; the permit is late, not lost.
            logger.LogWarning("Rate gate: could not release a permit of {Key} ({Error}); it returns when its lease ends", key, ex.Message);
        }
    }

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public ValueTask DisposeAsync() => _signals.DisposeAsync();

    sealed class Permit(PostgresRateGate gate, string key, string lease) : IAsyncDisposable
    {
        int _released;

        public string Key => key;

        public string Lease => lease;

        public bool Of(PostgresRateGate other) => ReferenceEquals(gate, other);

        /// <summary>The lease to release, once: null when it already went back (or is on its way).</summary>
        public (string Key, string Id)? Take() => Interlocked.Exchange(ref _released, 1) == 0 ? (key, lease) : null;

        public async ValueTask DisposeAsync()
        {
            if (Take() is not null)
            {
                await gate.ReleaseAsync(key, lease);
            }
        }
    }
}
