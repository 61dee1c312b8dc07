using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Orchestrator.Persistence;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The planner's read of an account's shape (<see cref="PostgresAccountShapes"/>) against PostgreSQL.</summary>
public class When_the_account_shape_is_read(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_call_a_level_unsettled_only_when_a_run_after_its_last_read_wrote_rows_of_the_account()
    {
        // Every level last read by the run of 10:00; a run of 11:00 that did not read every level wrote one ad set; another
        // account's run of the next day wrote a campaign, which says nothing of this account.
        await database.ExecuteAsync("""
            INSERT INTO entity_sync_marks (account_id, level, last_full_sync_at, run_started_at, last_read_run_started_at) VALUES
              ('act_unsettled', 'campaign', '2026-12-01 10:05+00', '2026-12-01 10:00+00', '2026-12-01 10:00+00'),
              ('act_unsettled', 'adset', '2026-12-01 10:05+00', '2026-12-01 10:00+00', '2026-12-01 10:00+00'),
              ('act_unsettled', 'ad', '2026-12-01 10:05+00', '2026-12-01 10:00+00', '2026-12-01 10:00+00');
            INSERT INTO campaigns (id, account_id, synced_at, run_started_at) VALUES
              ('u_c1', 'act_unsettled', now(), '2026-12-01 10:00+00'), ('u_c9', 'act_elsewhere', now(), '2026-12-02 10:00+00');
            INSERT INTO ad_sets (id, account_id, campaign_id, synced_at, run_started_at) VALUES
              ('u_s1', 'act_unsettled', 'u_c1', now(), '2026-12-01 10:00+00'), ('u_s2', 'act_unsettled', 'u_c1', now(), '2026-12-01 11:00+00');
            """);

        var shape = await ReadAsync("act_unsettled");

        Assert.Equal([EntityLevel.AdSet], shape.Unsettled!);
        Assert.Equal(3, shape.LevelsLastRead!.Count);
    }

    [Fact]
    public async Task Should_call_no_level_unsettled_that_was_never_read_with_every_other_level()
    {
        await database.ExecuteAsync("""
            INSERT INTO entity_sync_marks (account_id, level, last_full_sync_at, run_started_at) VALUES
              ('act_never_read', 'campaign', '2026-12-01 10:05+00', '2026-12-01 10:00+00');
            INSERT INTO campaigns (id, account_id, synced_at, run_started_at) VALUES ('n_c1', 'act_never_read', now(), '2026-12-01 11:00+00');
            """);

        var shape = await ReadAsync("act_never_read");

        Assert.Empty(shape.Unsettled!);
        Assert.Empty(shape.LevelsLastRead!);
    }

    async Task<AccountShape> ReadAsync(string accountId)
    {
        await using var db = StorageRegistration.CreateContext(database.DataSource);
        await db.Database.OpenConnectionAsync();
        var transaction = new SagaTransaction();
        using var enlisted = transaction.Enlist(db);
        var shapes = new PostgresAccountShapes(transaction, Options.Create(new RateGateOptions()), Options.Create(new SagaOptions()), TimeProvider.System);
        return await shapes.ReadAsync(accountId, CancellationToken.None);
    }
}
