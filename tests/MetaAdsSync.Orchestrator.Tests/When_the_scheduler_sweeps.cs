using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Scheduling;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_the_scheduler_sweeps
{
    [Fact]
    public async Task Should_request_stale_accounts_with_eligible_entities_first_then_other_non_empty_ones_then_empty_ones()
    {
        await using var database = await MigratedDatabase.CreateAsync();
        await database.ExecuteAsync("""
            INSERT INTO ad_accounts (id, name, refreshed_at, last_synced_at) VALUES
              ('act_1', 'never synced, eligible', now(), NULL),
              ('act_2', 'stale, paused only', now(), '2026-11-29 08:00+00'),
              ('act_3', 'fresh, eligible', now(), '2026-11-29 11:00+00'),
              ('act_4', 'never synced, empty', now(), NULL),
              ('act_5', 'stale, eligible', now(), '2026-11-29 07:00+00'),
              ('act_6', 'stale, eligible, running', now(), '2026-11-29 06:00+00'),
              ('act_7', 'stale by a second, empty', now(), '2026-11-29 08:59:59+00');
            INSERT INTO campaigns (id, account_id, effective_status, synced_at) VALUES
              ('11', 'act_1', 'ACTIVE', now()), ('21', 'act_2', 'PAUSED', now()), ('31', 'act_3', 'ACTIVE', now()),
              ('51', 'act_5', 'PAUSED', now()), ('61', 'act_6', 'ACTIVE', now());
            INSERT INTO ads (id, account_id, effective_status, synced_at) VALUES ('52', 'act_5', 'WITH_ISSUES', now());
            INSERT INTO account_syncs (correlation_id, current_state, account_id, run_id, date_preset, trigger, force, redrives, campaigns, ad_sets, ads,
                eligible, graph_calls, sequence, batches_sent, batches_succeeded, batches_failed, ledger)
              VALUES (gen_random_uuid(), 'FetchingEntities', 'act_6', gen_random_uuid(), 'last_7d', 'Manual', false, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, '{}');
            """);
        await using var harness = await SagaHarness.InMemoryAsync();

        var sweep = await Scheduler(harness, database, max: 4).SweepAsync(default);

        Assert.False(sweep.Skipped);
        Assert.Equal(["act_1", "act_5", "act_2", "act_4"], sweep.Requested.Select(r => r.AccountId));
        var published = harness.Harness.PublishedSoFar<SyncAccountRequested>(_ => true);
        Assert.Equal(sweep.Requested.Select(r => r.RunId), published.Select(m => m.RunId));
        Assert.All(published, m => Assert.Equal((SyncTrigger.Scheduled, "last_7d", false), (m.Trigger, m.DatePreset, m.Force)));
    }

    [Fact]
    public async Task Should_request_at_most_the_configured_number_spaced_out_and_let_only_one_orchestrator_sweep_at_a_time()
    {
        await using var database = await MigratedDatabase.CreateAsync();
        await database.ExecuteAsync("INSERT INTO ad_accounts (id, name, refreshed_at) SELECT 'act_' || n, 'a' || n, now() FROM generate_series(1, 5) n;");
        await using var harness = await SagaHarness.InMemoryAsync();
        var scheduler = Scheduler(harness, database, max: 3, spacing: TimeSpan.FromSeconds(5));

        var first = scheduler.SweepAsync(default);
        await harness.Harness.Published<SyncAccountRequested>(1, _ => true);
        Assert.Single(harness.Harness.PublishedSoFar<SyncAccountRequested>(_ => true));
        var second = await Scheduler(harness, database, max: 3).SweepAsync(default);
        Assert.True(second.Skipped);

        harness.Time.Advance(TimeSpan.FromSeconds(5));
        await harness.Harness.Published<SyncAccountRequested>(2, _ => true);
        Assert.Equal(2, harness.Harness.PublishedSoFar<SyncAccountRequested>(_ => true).Count);
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        var swept = await first;

        Assert.Equal(3, swept.Requested.Count);
        Assert.Equal(3, harness.Harness.PublishedSoFar<SyncAccountRequested>(_ => true).Count);
    }

    [Fact]
    public async Task Should_skip_accounts_the_token_cannot_read_and_accounts_meta_reports_as_not_active()
    {
        await using var database = await MigratedDatabase.CreateAsync();
        await database.ExecuteAsync("""
            INSERT INTO ad_accounts (id, name, refreshed_at, last_synced_at, accessible, access_lost_reason, account_status) VALUES
              ('act_1', 'readable, active', now(), NULL, true, NULL, 1),
              ('act_2', 'access lost', now(), NULL, false, 'unlisted', 1),
              ('act_3', 'disabled', now(), NULL, true, NULL, 2),
              ('act_4', 'closed', now(), NULL, true, NULL, 101),
              ('act_5', 'readable, status unknown', now(), NULL, true, NULL, NULL);
            """);
        await using var harness = await SagaHarness.InMemoryAsync();

        var sweep = await Scheduler(harness, database, max: 10).SweepAsync(default);

        Assert.Equal(["act_1", "act_5"], sweep.Requested.Select(r => r.AccountId));
    }

    static StaleAccountScheduler Scheduler(SagaHarness harness, MigratedDatabase database, int max, TimeSpan? spacing = null) =>
        new(database.DataSource, harness.Harness.Bus,
            Microsoft.Extensions.Options.Options.Create(new SchedulerOptions { MaxAccountsPerSweep = max, Spacing = spacing ?? TimeSpan.Zero }),
            harness.Time, NullLogger<StaleAccountScheduler>.Instance);
}
