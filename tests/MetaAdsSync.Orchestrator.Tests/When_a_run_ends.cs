using MassTransit.Testing;
using MetaAdsSync.Contracts;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_ends(MigratedDatabaseFixture database) : SagaSpec(database)
{
    [Fact]
    public async Task Should_stamp_last_synced_at_write_the_history_and_publish_completion()
    {
        var runId = await StartRun();
        Sut.Time.Advance(TimeSpan.FromSeconds(2));

        await CompleteRun(runId, "a1", "a2", "a3", "a4");

        var state = await Sut.Load(Account);
        Assert.Equal(("Idle", "Completed", 2), (state!.CurrentState, state.Outcome, state.BatchesSucceeded.Count));
        var account = await Row($"SELECT last_synced_at, last_sync_status, last_run_id FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal((Sut.Time.GetUtcNow(), "Completed", runId), ((DateTimeOffset)(DateTime)account[0], (string)account[1], (Guid)account[2]));
        var run = await Row($"SELECT status, campaigns, ad_sets, ads, eligible, insight_batches, insight_batches_failed, graph_calls, duration_ms, requested_by FROM sync_runs WHERE run_id = '{runId}'");
        Assert.Equal<object>(["Completed", 2, 3, 5, 4, 2, 0, 5, 2000L, KeyId], run);
        await WaitPublished<AccountSyncCompleted>(m => m.Context.Message.RunId == runId && m.Context.Message.Outcome == SyncOutcome.Completed);
    }

    [Fact]
    public async Task Should_count_a_duplicated_batch_answer_once()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1, "c1");
        await Page(runId, EntityLevel.AdSet, 1, last: false, count: 1, "s1");
        await WaitFor(s => s.PagesSeen.Count == 2, "two pages");
        var batch = Assert.Single(Batches());

        await BatchDone(runId, batch.BatchId);
        await BatchDone(runId, batch.BatchId);
        await WaitConsumed<InsightsBatchFetched>(2, m => m.AccountId == Account);

        var state = await Sut.Load(Account);
        Assert.Equal((1, 3, "FetchingEntities"), (state!.BatchesSucceeded.Count, state.GraphCalls, state.CurrentState));
    }

    [Fact]
    public async Task Should_end_partial_without_moving_last_synced_at_when_a_batch_failed()
    {
        var previous = await StartRun();
        await CompleteRun(previous);
        var stamped = await Row($"SELECT last_synced_at FROM ad_accounts WHERE id = '{Account}'");

        var runId = await StartRun();
        Sut.Time.Advance(TimeSpan.FromMinutes(1));
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1, "c1");
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 1);
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 1);
        await WaitFor(s => s.LevelsDone.Count == 3, "all levels");
        var batch = Assert.Single(Batches(), b => b.RunId == runId);
        await Sut.Harness.Bus.Publish(new InsightsBatchFailed(runId, Account, batch.BatchId, "throttled", GraphCalls: 2));

        var state = await WaitFor(s => s.CurrentState == "Idle", "the run to end");
        Assert.Equal("Partial", state.Outcome);
        var account = await Row($"SELECT last_synced_at, last_sync_status FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal((stamped[0], "Partial"), (account[0], (string)account[1]));
        await WaitPublished<AccountSyncCompleted>(m => m.Context.Message.RunId == runId && m.Context.Message.Outcome == SyncOutcome.Partial);
    }

    [Fact]
    public async Task Should_fail_the_run_when_a_level_fails_and_keep_what_was_written()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 4);

        await Sut.Harness.Bus.Publish(new EntityFetchFailed(runId, Account, EntityLevel.Ad, "190: Error validating access token"));

        var state = await WaitFor(s => s.CurrentState == "Idle", "the run to end");
        Assert.Equal(("Failed", 4), (state.Outcome, state.Campaigns));
        Assert.Contains("190", state.Error);
        var account = await Row($"SELECT last_synced_at, last_sync_status, last_error FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal((DBNull.Value, "Failed"), (account[0], (string)account[1]));
        await WaitPublished<AccountSyncFailed>(m => m.Context.Message.RunId == runId);
    }

    [Fact]
    public async Task Should_fail_the_run_when_a_fetch_command_faults()
    {
        var runId = await StartRun();
        var command = new FetchEntities(runId, Account, EntityLevel.AdSet, Force: false);

        await Sut.Harness.Bus.Publish<MassTransit.Fault<FetchEntities>>(new
        {
            Message = command,
            FaultId = Guid.NewGuid(),
            Timestamp = DateTime.UtcNow,
            Exceptions = new MassTransit.ExceptionInfo[] { new Boom() },
            FaultMessageTypes = new[] { "urn:message:MetaAdsSync.Contracts:FetchEntities" },
        });

        var state = await WaitFor(s => s.CurrentState == "Idle", "the run to end");
        Assert.Equal("Failed", state.Outcome);
        Assert.Contains("boom", state.Error);
    }

    [Fact]
    public async Task Should_ignore_progress_that_arrives_after_the_run_ended()
    {
        var runId = await StartRun();
        await CompleteRun(runId);

        await Page(runId, EntityLevel.Ad, 2, last: true, count: 999, "late");
        await WaitConsumed<MetaAdsSync.Contracts.EntitiesFetched>(4, m => m.AccountId == Account);

        var state = await Sut.Load(Account);
        Assert.Equal((5, "Idle"), (state!.Ads, state.CurrentState));
    }

    sealed class Boom : MassTransit.ExceptionInfo
    {
        public string ExceptionType => "System.InvalidOperationException";
        public MassTransit.ExceptionInfo? InnerException => null;
        public string StackTrace => "";
        public string Message => "boom";
        public string Source => "test";
        public IDictionary<string, object>? Data => null;
    }

    async Task<object[]> Row(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no row for: " + sql);
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }
}
