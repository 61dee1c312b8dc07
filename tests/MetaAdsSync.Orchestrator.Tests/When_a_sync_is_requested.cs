using MassTransit;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_sync_is_requested : SagaSpec
{
    [Fact]
    public async Task Should_accept_it_and_fetch_the_three_levels_at_once()
    {
        var runId = Guid.NewGuid();

        var response = await Request(runId);

        Assert.True(response.Is(out Response<SyncAccepted>? accepted));
        Assert.Equal((runId, false), (accepted!.Message.RunId, accepted.Message.Deduplicated));
        await RequestsHandled(1);
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad], Fetches(runId).Select(f => f.Level).Order());
        Assert.NotNull(await Sut.Saga.Exists(Correlation, m => m.FetchingEntities));
    }

    [Fact]
    public async Task Should_send_every_read_of_the_run_with_the_runs_start_so_no_older_write_wins()
    {
        var runId = Guid.NewGuid();
        var start = Sut.Time.GetUtcNow();

        await Request(runId);
        await RequestsHandled(1);

        var reads = Fetches(runId).Select(f => f.RunStartedAt).Concat(Batches().Where(b => b.RunId == runId).Select(b => b.RunStartedAt)).ToList();
        Assert.Equal(6, reads.Count);
        Assert.Equal(start, Assert.Single(reads.Distinct()));
        Assert.Equal(start, (await Saga()).StartedAt);
    }

    [Fact]
    public async Task Should_join_the_running_sync_when_asked_again_with_the_same_preset()
    {
        var runId = await StartRun();

        var again = await Request(Guid.NewGuid());

        Assert.True(again.Is(out Response<SyncAccepted>? accepted));
        Assert.Equal((runId, true), (accepted!.Message.RunId, accepted.Message.Deduplicated));
        await RequestsHandled(2);
        Assert.Equal(3, AllFetches());
    }

    [Fact]
    public async Task Should_reject_another_preset_while_a_sync_runs_naming_the_running_one()
    {
        var runId = await StartRun();

        var other = await Request(Guid.NewGuid(), preset: "last_30d");

        Assert.True(other.Is(out Response<SyncRejected>? rejected));
        Assert.Equal(runId, rejected!.Message.RunningRunId);
        Assert.Contains("last_7d", rejected.Message.Reason);
    }

    [Fact]
    public async Task Should_not_start_a_second_run_when_the_same_request_is_delivered_again_after_the_run()
    {
        var runId = await StartRun();
        await CompleteRun(runId);

        var redelivered = await Request(runId);

        Assert.True(redelivered.Is(out Response<SyncAccepted>? accepted));
        Assert.True(accepted!.Message.Deduplicated);
        await RequestsHandled(2);
        Assert.Equal(3, AllFetches());
    }

    [Fact]
    public async Task Should_start_a_new_run_once_the_previous_one_ended()
    {
        var first = await StartRun();
        await CompleteRun(first);

        var second = await StartRun();

        Assert.NotEqual(first, second);
        var state = await InState(m => m.FetchingEntities, second);
        Assert.Equal(("FetchingEntities", 0, 0L), (state.CurrentState, state.Ads, state.Sequence));
    }

    Task RequestsHandled(int count) => Handled<SyncAccountRequested>(count, m => m.AccountId == Account);

    int AllFetches() => Sut.Harness.PublishedSoFar<FetchEntities>(m => m.AccountId == Account).Count;
}
