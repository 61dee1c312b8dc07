using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// A run in flight when the Orchestrator is upgraded to the typed ledger: its row, written in the string shape, is
/// rewritten by the migration, and the run goes on with pages of fetchers of the older shape.
/// </summary>
public class When_a_run_in_flight_is_upgraded : SagaSpec
{
    readonly Guid _runId = Guid.NewGuid();
    readonly Guid _attempt = Guid.NewGuid();
    readonly Guid _outstanding = Guid.NewGuid();

    protected override async Task<SagaHarness> StartHarness(Action<SagaOptions> configure)
    {
        var (connectionString, _) = await PostgresFixture.CreateDatabaseAsync();
        await using (var db = StorageRegistration.CreateContext(connectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261202174341_Webhooks");
        }

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            // Campaigns read; ads: pages 1 and 3 of an attempt whose last is 3; the campaign insights answered, the ads' outstanding.
            await using var insert = new NpgsqlCommand($$"""
                INSERT INTO account_syncs (correlation_id, current_state, account_id, run_id, date_preset, trigger, force, redrives,
                    started_at, last_progress_at, campaigns, ad_sets, ads, eligible, graph_calls, levels_done, pages_seen, batches_sent,
                    batches_succeeded, batches_failed, outstanding_batches, insight_levels_read)
                VALUES ('{{AccountCorrelation.For(Account)}}', 'FetchingEntities', '{{Account}}', '{{_runId}}', 'last_7d', 'Manual', false, 0,
                    now(), now(), 2, 0, 300, 1, 3,
                    ARRAY['Campaign={{_attempt:N}}:1', 'Ad={{_attempt:N}}:3'],
                    ARRAY['Campaign:{{_attempt:N}}:1:2:1', 'Ad:{{_attempt:N}}:1:250:0', 'Ad:{{_attempt:N}}:3:50:0'], 2,
                    ARRAY['{{Guid.NewGuid()}}']::uuid[], '{}',
                    @outstanding::jsonb, '{}')
                """, connection);
            insert.Parameters.AddWithValue("outstanding", "{\"" + _outstanding + "\":{\"Level\":2,\"Partition\":{\"Kind\":0,\"CampaignIds\":[]}}}");
            await insert.ExecuteNonQueryAsync();
        }

        await using (var db = StorageRegistration.CreateContext(connectionString))
        {
            await SchemaMigrator.MigrateAsync(db, default);
        }

        return await SagaHarness.OnPostgresAsync(connectionString, configure);
    }

    [Fact]
    public async Task Should_keep_what_the_run_counted_and_complete_it_with_pages_of_the_older_shape()
    {
        var state = await Saga();
        Assert.Equal((1, 0, 4L, 2), (state.BatchesSucceeded, state.BatchesFailed, state.Sequence, state.BatchesSent));
        var campaigns = Assert.Single(state.Ledger.Entities.Values, p => p.Level == EntityLevel.Campaign);
        Assert.Equal(_attempt, campaigns.CompletedBy);
        var ads = Assert.Single(state.Ledger.Entities.Values, p => p.Level == EntityLevel.Ad);
        Assert.Equal((false, 3, 300), (ads.Done, ads.Attempts[_attempt].LastPage, ads.Attempts[_attempt].Count));
        Assert.Equal(InsightReadStatus.Outstanding, state.Ledger.Insights[_outstanding].Status);

        // Fetchers still on the older shape: pages without a partition id count for the level's only partition.
        await Page(_runId, _attempt, EntityLevel.Ad, 2, last: false, count: 250);
        await Page(_runId, EntityLevel.AdSet, 1, last: true, count: 3);
        await BatchDone(_runId, _outstanding);

        state = await InState(m => m.Idle, _runId);
        Assert.Equal(("Completed", 2, 3, 550), (state.Outcome, state.Campaigns, state.AdSets, state.Ads));
    }
}
