using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_reuses_or_fails_to_read_a_level : SagaSpec
{
    [Fact]
    public async Task Should_stamp_the_oldest_read_time_of_a_level_answered_from_postgresql_and_say_which_levels_it_read()
    {
        var runId = await StartRun();
        var campaignsReadAt = Sut.Time.GetUtcNow() - TimeSpan.FromMinutes(40);
        var adSetsReadAt = Sut.Time.GetUtcNow() - TimeSpan.FromMinutes(10);
        Sut.Time.Advance(TimeSpan.FromSeconds(3));

        await Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, EntityLevel.Campaign, 1, true, 2, [], GraphCalls: 0, Guid.NewGuid(), campaignsReadAt));
        await Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, EntityLevel.AdSet, 1, true, 3, [], GraphCalls: 0, Guid.NewGuid(), adSetsReadAt));
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 5, "a1");
        await Handled<EntitiesFetched>(3, m => m.RunId == runId);
        foreach (var batch in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, batch.BatchId);
        }

        var (_, run) = await Ended(runId);
        Assert.Equal(SyncOutcome.Completed, run.Outcome);
        Assert.Equal(campaignsReadAt, run.SyncedAt);
        Assert.Equal([EntityLevel.Ad], run.LevelsRead);
        Assert.Equal(new Dictionary<EntityLevel, DateTimeOffset> { [EntityLevel.Campaign] = campaignsReadAt, [EntityLevel.AdSet] = adSetsReadAt },
            run.LevelsReused);
    }

    [Fact]
    public async Task Should_record_the_plain_cause_of_a_token_error()
    {
        var runId = await StartRun();
        var cause = new FailureCause(SyncErrorKind.TokenInvalid, "Error validating access token: Session has expired", "GET /v21.0/act_1/ads?access_token=REDACTED");

        await Sut.Harness.Bus.Publish(new EntityFetchFailed(runId, Account, EntityLevel.Ad, "Auth: Error validating access token (code 190)", cause));

        var (state, run) = await Ended(runId);
        Assert.Equal((SyncOutcome.Failed, "TokenInvalid"), (run.Outcome, run.ErrorKind));
        Assert.Equal(cause, FailureCause.FromJson(run.ErrorDetail));
        Assert.Equal("TokenInvalid", state.ErrorKind);
    }

    [Fact]
    public async Task Should_record_a_throttle_with_when_it_lifts_on_a_partial_run()
    {
        var runId = await StartRun();
        var lifts = Sut.Time.GetUtcNow() + TimeSpan.FromMinutes(12);

        await EndPartial(runId, new FailureCause(SyncErrorKind.Throttled, "Meta throttles act_1/ads_insights for 00:12:00 more", LiftsAt: lifts));

        var (_, run) = await Ended(runId);
        Assert.Equal((SyncOutcome.Partial, "Throttled"), (run.Outcome, run.ErrorKind));
        Assert.Equal(lifts, FailureCause.FromJson(run.ErrorDetail)!.LiftsAt);
    }
}
