using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_many_workers_acquire_the_same_key_at_once(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_never_hold_more_permits_than_the_allowed_concurrency_and_give_every_one_back()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_many", MetaUseCase.AdsInsights);
        var workers = Enumerable.Range(0, 3).Select(_ => gates.Create(o => o.InitialConcurrency = 3)).ToList();
        var held = 0;
        var maxHeld = 0;
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 36).Select(async i =>
        {
            await using (await workers[i % 3].AcquireAsync(scope, default))
            {
                var now = Interlocked.Increment(ref held);
                InterlockedMax(ref maxHeld, now);
                Interlocked.Increment(ref granted);
                await Task.Delay(10);
                Interlocked.Decrement(ref held);
            }
        }));

        Assert.Equal(36, granted);
        Assert.InRange(maxHeld, 1, 3);
        var status = await gates.StatusAsync(scope);
        Assert.Equal(0, status.InFlight);
        Assert.Equal(36, status.WindowUsed);
        Assert.Equal(0, await database.CountAsync("SELECT jsonb_array_length(leases) FROM rate_gate WHERE key = 'act_many/ads_insights'"));
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

public class When_a_worker_dies_holding_permits(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_return_its_permits_when_their_lease_ends()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_crash", MetaUseCase.AdsManagement);
        var dying = gates.Create(o => { o.InitialConcurrency = 1; o.MinConcurrency = 1; o.LeaseTime = TimeSpan.FromSeconds(2); });
        var survivor = gates.Create(o => { o.InitialConcurrency = 1; o.MinConcurrency = 1; });

        // Never disposed: the holder is gone.
        _ = await dying.AcquireAsync(scope, default);
        Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);

        await using (await survivor.AcquireAsync(scope, default))
        {
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
        }

        Assert.Equal(0, (await gates.StatusAsync(scope)).InFlight);
    }
}

public class When_meta_throttles_a_key_seen_by_one_worker(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hold_every_other_worker_off_that_key_until_the_block_ends()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_blocked", MetaUseCase.AdsManagement);
        var first = gates.Create(o => o.BlockJitter = TimeSpan.Zero);
        var second = gates.Create();

        await first.ReportAsync(scope, GraphUsage.None, TimeSpan.FromSeconds(2), default);
        var blockedUntil = (await gates.StatusAsync(scope)).BlockedUntil;
        Assert.NotNull(blockedUntil);

        Assert.NotNull((await gates.StatusAsync(scope with { UseCase = MetaUseCase.AdsInsights })).BlockedUntil);
        await using (await second.AcquireAsync(new RateScope("act_free", MetaUseCase.AdsManagement), default))
        {
            Assert.NotNull((await gates.StatusAsync(scope)).BlockedUntil);
        }

        await using (await second.AcquireAsync(scope, default))
        {
            Assert.Equal(1, await database.CountAsync("SELECT count(*) FROM rate_gate WHERE key = 'act_blocked/ads_management' AND blocked_until <= now()"));
        }
    }

    [Fact]
    public async Task Should_refuse_at_once_in_every_worker_when_the_block_outlasts_the_longest_wait()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_long", MetaUseCase.AdsInsights);
        await gates.Create().ReportAsync(scope, GraphUsage.None, TimeSpan.FromMinutes(30), default);

        var error = await Assert.ThrowsAsync<RateGateBlockedException>(() => gates.Create(maxThrottleWait: TimeSpan.FromMinutes(5)).AcquireAsync(scope, default).AsTask());

        Assert.InRange(error.Error.RegainAccessIn!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
    }
}

public class When_a_worker_hears_of_a_block_before_the_others_can(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    // A report whose shared record is not written (here: cancelled before it reached PostgreSQL) is still heard in its process.
    static async Task HearOnlyAsync(PostgresRateGate gate, RateScope scope)
    {
        using var notWritten = new CancellationTokenSource();
        await notWritten.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.ReportAsync(scope, GraphUsage.None, TimeSpan.FromMinutes(30), notWritten.Token).AsTask());
    }

    [Fact]
    public async Task Should_hold_its_own_callers_off_both_use_cases_before_the_shared_record_exists()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_heard", MetaUseCase.AdsManagement);
        var heard = gates.Create();

        await HearOnlyAsync(heard, scope);

        await Assert.ThrowsAsync<RateGateBlockedException>(() => heard.AcquireAsync(scope, default).AsTask());
        await Assert.ThrowsAsync<RateGateBlockedException>(() => heard.AcquireAsync(scope with { UseCase = MetaUseCase.AdsInsights }, default).AsTask());
        await using (await heard.AcquireAsync(new RateScope("act_other", MetaUseCase.AdsManagement), default))
        {
        }

        // Refused without asking PostgreSQL: no permit was taken, not even one handed back at once.
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM rate_gate WHERE key LIKE 'act_heard/%'"));

        // Only this process heard: another worker learns of the block from the shared record or from Meta.
        await using (await gates.Create().AcquireAsync(scope, default))
        {
        }
    }

    // The second permit is granted (the window counts it) and handed back (none in flight) instead of being used.
    [Fact]
    public async Task Should_hand_back_a_permit_granted_while_it_heard_of_the_block_instead_of_calling()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_granted", MetaUseCase.AdsManagement);
        var gate = gates.Create();
        await using (await gate.AcquireAsync(scope, default))
        {
        }

        // The key's row is locked, so the next permit is granted only once the test lets go, after the block was heard.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM rate_gate WHERE key = 'act_granted/ads_management' FOR UPDATE", connection, transaction))
        {
            await lockRow.ExecuteNonQueryAsync();
        }

        var acquiring = gate.AcquireAsync(scope, default).AsTask();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await database.CountAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE '%rate_gate%' AND pid <> pg_backend_pid()") == 0)
        {
            Assert.False(acquiring.IsCompleted, "the permit did not wait for the locked row");
            Assert.True(DateTime.UtcNow < deadline, "the permit never waited for the locked row");
            await Task.Delay(20);
        }

        await HearOnlyAsync(gate, scope);
        await transaction.CommitAsync();

        await Assert.ThrowsAsync<RateGateBlockedException>(() => acquiring);
        var status = await gates.StatusAsync(scope);
        Assert.Equal(2, status.WindowUsed);
        Assert.Equal(0, status.InFlight);
    }
}

public class When_meta_throttles_the_app(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hold_every_account_off()
    {
        await using var gates = new GateFactory(database);
        await gates.Create().ReportAsync(new RateScope(null, MetaUseCase.AdsManagement), GraphUsage.None, TimeSpan.FromMinutes(30), default);

        await Assert.ThrowsAsync<RateGateBlockedException>(() => gates.Create().AcquireAsync(new RateScope("act_any", MetaUseCase.AdsInsights), default).AsTask());
    }
}

public class When_meta_reports_usage(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    static GraphUsage Usage(double percent) => new(AccountUtilPercent: percent);

    [Fact]
    public async Task Should_grow_the_cap_while_usage_is_low_and_shrink_it_multiplicatively_as_usage_rises()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_adapt", MetaUseCase.AdsInsights);
        var gate = gates.Create(o => { o.InitialConcurrency = 4; o.MaxConcurrency = 10; });

        for (var i = 0; i < 60; i++)
        {
            await gate.ReportAsync(scope, Usage(10), null, default);
        }

        var grown = (await gates.StatusAsync(scope)).AllowedConcurrency;
        Assert.Equal(10, grown);

        for (var i = 0; i < 10; i++)
        {
            await gate.ReportAsync(scope, Usage(60), null, default);
        }

        Assert.Equal(10, (await gates.StatusAsync(scope)).AllowedConcurrency);

        for (var i = 0; i < 10; i++)
        {
            await gate.ReportAsync(scope, Usage(85), null, default);
        }

        var shrunk = (await gates.StatusAsync(scope)).AllowedConcurrency;
        Assert.InRange(shrunk, 3, 4);

        await gate.ReportAsync(scope, Usage(100), TimeSpan.FromMilliseconds(1), default);
        Assert.Equal(1, (await gates.StatusAsync(scope)).AllowedConcurrency);
    }

    [Fact]
    public async Task Should_start_no_call_above_the_stop_mark_until_the_usage_report_has_aged()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_hot", MetaUseCase.AdsManagement);
        var gate = gates.Create(o => { o.AcquireTimeout = TimeSpan.FromSeconds(1); o.HighUsagePause = TimeSpan.FromMinutes(10); });
        await gate.ReportAsync(scope, Usage(97), null, default);

        await Assert.ThrowsAsync<RateGateBusyException>(() => gate.AcquireAsync(scope, default).AsTask());

        var aged = gates.Create(o => o.HighUsagePause = TimeSpan.FromMilliseconds(100));
        await using (await aged.AcquireAsync(scope, default))
        {
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
        }
    }
}

public class When_an_explicit_budget_is_set(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hand_out_no_more_than_the_burst_and_the_refill_and_then_give_the_caller_back_busy()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_budget", MetaUseCase.AdsInsights);
        // 40 calls an hour: a burst of 2, then one token every 98 s — none within this test.
        var gate = gates.Create(o =>
        {
            o.CallBudget = 40;
            o.BudgetWindow = TimeSpan.FromHours(1);
            o.InitialConcurrency = 16;
            o.MaxConcurrency = 16;
            o.AcquireTimeout = TimeSpan.FromSeconds(1);
        });

        var granted = 0;
        while (granted < 40)
        {
            try
            {
                await (await gate.AcquireAsync(scope, default)).DisposeAsync();
                granted++;
            }
            catch (RateGateBusyException)
            {
                break;
            }
        }

        Assert.Equal(2, granted);
    }
}

public class When_an_accounts_two_use_cases_share_its_budget(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_hand_out_one_bucket_across_both_keys_and_every_worker_and_no_token_without_a_slot()
    {
        await using var gates = new GateFactory(database);
        // 100 calls an hour: a burst of 5, then one token every 39 s — none within this test.
        var workers = Enumerable.Range(0, 3).Select(_ => gates.Create(o =>
        {
            o.CallBudget = 100;
            o.BudgetWindow = TimeSpan.FromHours(1);
            o.InitialConcurrency = 2;
            o.MaxConcurrency = 2;
            o.AcquireTimeout = TimeSpan.FromSeconds(2);
        })).ToList();
        var permits = new System.Collections.Concurrent.ConcurrentBag<IAsyncDisposable>();
        var busy = 0;

        // Permits are held, so the two slots per key run out too: a caller turned away for want of a slot must not
        // have spent a token, or fewer than five would be granted.
        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var scope = new RateScope("act_shared", i % 2 == 0 ? MetaUseCase.AdsInsights : MetaUseCase.AdsManagement);
            try
            {
                permits.Add(await workers[i % 3].AcquireAsync(scope, default));
            }
            catch (RateGateBusyException)
            {
                Interlocked.Increment(ref busy);
            }
        }));

        Assert.Equal(4, permits.Count);
        Assert.Equal(20, busy);
        Assert.Equal(1, await database.CountAsync("SELECT floor(tokens)::int FROM rate_gate WHERE key = 'act_shared'"));

        foreach (var permit in permits)
        {
            await permit.DisposeAsync();
        }

        await using (await workers[0].AcquireAsync(new RateScope("act_shared", MetaUseCase.AdsInsights), default))
        {
            await Assert.ThrowsAsync<RateGateBusyException>(() => workers[1].AcquireAsync(new RateScope("act_shared", MetaUseCase.AdsManagement), default).AsTask());
        }

        Assert.Equal(5, await database.CountAsync("SELECT window_used FROM rate_gate WHERE key = 'act_shared'"));
    }
}

public class When_meta_reports_more_usage_than_the_gate_counted(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_count_the_difference_into_the_window_and_never_let_the_window_hold_more_than_the_budget()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_shared_with_others", MetaUseCase.AdsManagement);
        // 10 calls an hour with a burst of 5: the window, not the bucket, refuses the third call below.
        var gate = gates.Create(o =>
        {
            o.CallBudget = 10;
            o.BurstShare = 0.5;
            o.BudgetWindow = TimeSpan.FromHours(1);
            o.AcquireTimeout = TimeSpan.FromSeconds(1);
        });
        await (await gate.AcquireAsync(scope, default)).DisposeAsync();

        // Meta counts 8 of the 10 (another client made 7): two calls are left, not nine.
        await gate.ReportAsync(scope, new GraphUsage(AccountUtilPercent: 80), null, default);
        await (await gate.AcquireAsync(scope with { UseCase = MetaUseCase.AdsInsights }, default)).DisposeAsync();
        await (await gate.AcquireAsync(scope, default)).DisposeAsync();

        await Assert.ThrowsAsync<RateGateBusyException>(() => gate.AcquireAsync(scope, default).AsTask());
        Assert.Equal(2, await database.CountAsync("SELECT floor(tokens)::int FROM rate_gate WHERE key = 'act_shared_with_others'"));
    }
}

public class When_a_permit_is_released_while_another_worker_waits_for_it(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_let_the_waiting_worker_in_without_waiting_for_its_next_poll()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_released", MetaUseCase.AdsManagement);
        static void OneSlot(RateGateOptions o)
        {
            o.InitialConcurrency = 1;
            o.MaxConcurrency = 1;
            o.PollInterval = TimeSpan.FromMinutes(1);
            o.AcquireTimeout = TimeSpan.FromMinutes(10);
        }

        var holder = gates.Create(OneSlot);
        // The waiter's clock stands still, so its next poll never comes: only the release can let it in.
        var log = new WaitLog();
        var waiter = gates.Create(OneSlot, time: new FakeTimeProvider(), logger: log);
        var permit = await holder.AcquireAsync(scope, default);

        var acquiring = waiter.AcquireAsync(scope, default).AsTask();
        await log.Waiting.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await permit.DisposeAsync();

        // A bound on a hang, not a timing: polling alone, the waiter would never get in.
        await using (await acquiring.WaitAsync(TimeSpan.FromMinutes(1)))
        {
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
        }
    }

    sealed class WaitLog : ILogger<PostgresRateGate>
    {
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("waiting for a release", StringComparison.Ordinal))
            {
                Waiting.TrySetResult();
            }
        }
    }
}
