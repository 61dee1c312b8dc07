using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;
using Npgsql;

namespace MetaAdsSync.Workers.Tests.Workers;

/// <summary>
/// A command the saga's re-drive sent again, or the broker delivered again, whose work the saga has already recorded:
/// the fetcher reads the saga's row (as the saga writes it) and spends no Graph call on it.
/// </summary>
public class When_a_fetch_command_is_sent_again(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The saga's row of a run in flight: <paramref name="ledger"/> as the saga's map writes it.</summary>
    async Task SagaRowAsync(string account, Guid runId, RunLedger ledger, string? outcome = null)
    {
        await using var command = db.DataSource.CreateCommand("""
            INSERT INTO account_syncs (correlation_id, current_state, account_id, run_id, date_preset, trigger, force, redrives, campaigns, ad_sets, ads,
                eligible, graph_calls, sequence, batches_sent, batches_succeeded, batches_failed, ledger, outcome)
              VALUES ($1, 'FetchingEntities', $2, $3, 'last_7d', 'Manual', true, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, $4::jsonb, $5)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = AccountCorrelation.For(account) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AccountSyncStateMap.ToJson(ledger) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)outcome ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync();
    }

    static EntityPartitionRead Partition(EntityLevel level, bool done) => new()
    {
        Level = level,
        Attempts = done ? new() { [Guid.NewGuid()] = new AttemptPages { Pages = { [1] = new PageCount(2, 1) }, LastPage = 1 } } : [],
        CompletedBy = done ? Guid.NewGuid() : null,
    };

    static FakeGraph GraphOf(string account)
    {
        var graph = new FakeGraph();
        graph.Serve($"{account}/campaigns", Enumerable.Range(1, 2).Select(i => new { id = $"{account}-c-{i}", effective_status = "ACTIVE" }));
        graph.Serve($"{account}/adsets", Enumerable.Range(1, 2).Select(i => new { id = $"{account}-s-{i}", effective_status = "ACTIVE" }));
        graph.Serve($"{account}/insights", [new
        {
            ad_id = $"{account}-a", adset_id = $"{account}-s-1", campaign_id = $"{account}-c-1", impressions = "10", spend = "1.5",
            date_start = "2026-11-22", date_stop = "2026-11-28",
        }]);
        return graph;
    }

    [Fact]
    public async Task Should_acknowledge_a_re_driven_partition_already_done_without_a_graph_call_and_read_one_not_done()
    {
        var (account, run, done, open) = ("act_601", Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await SagaRowAsync(account, run, new RunLedger { Entities = { [done] = Partition(EntityLevel.Campaign, done: true), [open] = Partition(EntityLevel.AdSet, done: false) } });
        var graph = GraphOf(account);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);

        await host.PublishAsync(new FetchEntities(run, account, EntityLevel.Campaign, Force: true, PartitionId: done, Redriven: true));
        await WorkerHost.Recorder.WaitUntilAsync(() => host.Logs.All.Contains("is already done", StringComparison.Ordinal), Patience);
        await host.PublishAsync(new FetchEntities(run, account, EntityLevel.AdSet, Force: true, PartitionId: open, Redriven: true));
        await host.LevelDoneAsync(run, EntityLevel.AdSet);

        Assert.Equal(0, graph.CallsTo("/campaigns"));
        Assert.Equal(1, graph.CallsTo("/adsets"));
        Assert.DoesNotContain(host.Recorded.For(run), m => m is EntitiesFetched { Level: EntityLevel.Campaign });
    }

    [Fact]
    public async Task Should_acknowledge_a_re_driven_insight_read_already_answered_without_a_graph_call_or_an_answer()
    {
        var (account, run, answered, outstanding) = ("act_602", Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await SagaRowAsync(account, run, new RunLedger
        {
            Insights =
            {
                [answered] = new InsightRead { Level = EntityLevel.Ad, Status = InsightReadStatus.Succeeded },
                [outstanding] = new InsightRead { Level = EntityLevel.Ad, Status = InsightReadStatus.Outstanding },
            },
        });
        var graph = GraphOf(account);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);

        await host.PublishAsync(new FetchInsightsBatch(run, account, answered, EntityLevel.Ad, "last_7d", Contracts.Partition.WholeLevel, Redriven: true));
        await WorkerHost.Recorder.WaitUntilAsync(() => host.Logs.All.Contains("is already answered", StringComparison.Ordinal), Patience);
        await host.PublishAsync(new FetchInsightsBatch(run, account, outstanding, EntityLevel.Ad, "last_7d", Contracts.Partition.WholeLevel, Redriven: true));
        Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(run, outstanding));

        Assert.Equal(1, graph.CallsTo("/insights"));
        Assert.DoesNotContain(host.Recorded.For(run), m => m is InsightsBatchFetched f && f.BatchId == answered);
    }

    [Fact]
    public async Task Should_read_a_re_driven_insight_read_the_ledger_does_not_hold()
    {
        // Not in the ledger (a command of an older shape, or one the saga never planned): not known answered, so read.
        var (account, run, unknown) = ("act_604", Guid.NewGuid(), Guid.NewGuid());
        await SagaRowAsync(account, run, new RunLedger());
        var graph = GraphOf(account);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);

        await host.PublishAsync(new FetchInsightsBatch(run, account, unknown, EntityLevel.Ad, "last_7d", Contracts.Partition.WholeLevel, Redriven: true));
        Assert.IsType<InsightsBatchFetched>(await host.BatchDoneAsync(run, unknown));

        Assert.Equal(1, graph.CallsTo("/insights"));
    }

    [Fact]
    public async Task Should_acknowledge_a_re_driven_partition_of_a_run_that_ended_without_a_graph_call()
    {
        var (account, run, open) = ("act_603", Guid.NewGuid(), Guid.NewGuid());
        await SagaRowAsync(account, run, new RunLedger { Entities = { [open] = Partition(EntityLevel.Campaign, done: false) } }, outcome: "TimedOut");
        var graph = GraphOf(account);
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph);

        await host.PublishAsync(new FetchEntities(run, account, EntityLevel.Campaign, Force: true, PartitionId: open, Redriven: true));
        await WorkerHost.Recorder.WaitUntilAsync(() => host.Logs.All.Contains("is already done", StringComparison.Ordinal), Patience);

        Assert.Empty(graph.Requests);
        Assert.Empty(host.Recorded.For(run));
    }
}
