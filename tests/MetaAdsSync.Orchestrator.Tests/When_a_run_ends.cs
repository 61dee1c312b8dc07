using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_ends : SagaSpec
{
    [Fact]
    public async Task Should_stamp_last_synced_at_write_the_history_and_publish_completion()
    {
        var runId = await StartRun();
        Sut.Time.Advance(TimeSpan.FromSeconds(2));

        await CompleteRun(runId, "a1", "a2", "a3", "a4");

        var (state, run) = await Ended(runId);
        Assert.Equal(("Completed", 3), (state.Outcome, state.BatchesSucceeded));
        Assert.Equal((Sut.Time.GetUtcNow(), SyncOutcome.Completed, Account), (run.SyncedAt, run.Outcome, run.AccountId));
        Assert.Equal(KeyId, run.RequestedBy);
        Assert.Equal((2, 3, 5, 4, 3, 0, 6, TimeSpan.FromSeconds(2)),
            (run.Campaigns, run.AdSets, run.Ads, run.Eligible, run.InsightBatches, run.InsightBatchesFailed, run.GraphCalls, run.Duration));
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad], run.InsightLevelsRead);
        await Published<AccountSyncCompleted>(m => m.RunId == runId && m.Outcome == SyncOutcome.Completed);
    }

    [Fact]
    public async Task Should_count_a_duplicated_batch_answer_once()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 1, "c1");
        await Page(runId, EntityLevel.AdSet, 1, last: false, count: 1, "s1");
        await PagesHandled(2);
        var batch = Batches().First(b => b.Level == EntityLevel.Campaign);

        await BatchDone(runId, batch.BatchId);
        await BatchDone(runId, batch.BatchId);
        await Handled<InsightsBatchFetched>(2, m => m.AccountId == Account);

        var state = await Saga();
        Assert.Equal((1, 3, "FetchingEntities"), (state.BatchesSucceeded, state.GraphCalls, state.CurrentState));
    }

    [Fact]
    public async Task Should_end_partial_without_moving_last_synced_at_when_a_batch_failed()
    {
        var previous = await StartRun();
        await CompleteRun(previous);

        var runId = await StartRun(force: true);
        Sut.Time.Advance(TimeSpan.FromMinutes(1));
        await EndPartial(runId);

        var (state, run) = await Ended(runId);
        Assert.Equal("Partial", state.Outcome);
        Assert.Equal((SyncOutcome.Partial, (DateTimeOffset?)null), (run.Outcome, run.SyncedAt));
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet], run.InsightLevelsRead);
        await Published<AccountSyncCompleted>(m => m.RunId == runId && m.Outcome == SyncOutcome.Partial);
    }

    [Fact]
    public async Task Should_fail_the_run_when_a_level_fails_and_keep_what_was_written()
    {
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 4);

        await Sut.Harness.Bus.Publish(new EntityFetchFailed(runId, Account, EntityLevel.Ad, "190: Error validating access token"));

        var (state, run) = await Ended(runId);
        Assert.Equal(("Failed", 4), (state.Outcome, state.Campaigns));
        Assert.Contains("190", state.Error);
        Assert.Equal((SyncOutcome.Failed, (DateTimeOffset?)null, state.Error), (run.Outcome, run.SyncedAt, run.Error));
        await Published<AccountSyncFailed>(m => m.RunId == runId);
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

        var (state, _) = await Ended(runId);
        Assert.Equal("Failed", state.Outcome);
        Assert.Contains("boom", state.Error);
    }

    [Fact]
    public async Task Should_ignore_progress_that_arrives_after_the_run_ended()
    {
        var runId = await StartRun();
        await CompleteRun(runId);

        await Page(runId, EntityLevel.Ad, 2, last: true, count: 999, "late");
        await PagesHandled(4);

        var state = await Saga();
        Assert.Equal((5, "Idle"), (state.Ads, state.CurrentState));
        Assert.Single(Sut.History.Runs, r => r.RunId == runId);
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
}
