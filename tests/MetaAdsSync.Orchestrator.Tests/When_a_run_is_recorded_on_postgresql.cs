using MetaAdsSync.Contracts;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The run history written through the saga repository's DbContext, in the transaction that saves the saga.</summary>
public class When_a_run_is_recorded_on_postgresql(MigratedDatabase database) : PostgresSagaSpec(database)
{
    [Fact]
    public async Task Should_stamp_the_account_and_append_the_run_with_the_saga_back_to_idle()
    {
        var runId = await StartRun();
        Sut.Time.Advance(TimeSpan.FromSeconds(2));

        await CompleteRun(runId, "a1", "a2", "a3", "a4");

        var state = await Saga();
        Assert.Equal(("Idle", "Completed", 3), (state.CurrentState, state.Outcome, state.BatchesSucceeded));
        var account = await Row($"SELECT last_synced_at, last_sync_status, last_run_id FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal((Sut.Time.GetUtcNow(), "Completed", runId), ((DateTimeOffset)(DateTime)account[0], (string)account[1], (Guid)account[2]));
        var run = await Row($"SELECT status, campaigns, ad_sets, ads, eligible, insight_batches, insight_batches_failed, graph_calls, duration_ms, insight_levels_read, requested_by FROM sync_runs WHERE run_id = '{runId}'");
        Assert.Equal<object>(["Completed", 2, 3, 5, 4, 3, 0, 6, 2000L, new[] { "Campaign", "AdSet", "Ad" }, KeyId], run);
        await Published<AccountSyncCompleted>(m => m.RunId == runId && m.Outcome == SyncOutcome.Completed);
    }

    [Fact]
    public async Task Should_keep_the_last_complete_runs_last_synced_at_when_a_run_ends_partial()
    {
        var previous = await StartRun();
        await CompleteRun(previous);
        var stamped = await Row($"SELECT last_synced_at FROM ad_accounts WHERE id = '{Account}'");

        var runId = await StartRun(force: true);
        Sut.Time.Advance(TimeSpan.FromMinutes(1));
        await EndPartial(runId);

        await InState(m => m.Idle, runId);
        var account = await Row($"SELECT last_synced_at, last_sync_status FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal((stamped[0], "Partial"), (account[0], (string)account[1]));
        Assert.Equal(1L, await Database.CountAsync($"SELECT count(*) FROM sync_runs WHERE run_id = '{runId}' AND status = 'Partial'"));
    }

    [Fact]
    public async Task Should_leave_last_synced_at_empty_and_keep_the_error_when_the_first_run_fails()
    {
        var runId = await StartRun();

        await Sut.Harness.Bus.Publish(new EntityFetchFailed(runId, Account, EntityLevel.Ad, "190: Error validating access token",
            new FailureCause(SyncErrorKind.TokenInvalid, "Error validating access token", "GET /v21.0/act_1/ads?access_token=REDACTED")));

        await InState(m => m.Idle, runId);
        var account = await Row($"SELECT last_synced_at, last_sync_status, last_error, last_error_kind, last_error_detail::text FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal((DBNull.Value, "Failed", "TokenInvalid"), (account[0], (string)account[1], (string)account[3]));
        Assert.Contains("190", (string)account[2]);
        Assert.Equal("GET /v21.0/act_1/ads?access_token=REDACTED", FailureCause.FromJson((string)account[4])!.Call);
        Assert.Equal(1L, await Database.CountAsync(
            $"SELECT count(*) FROM sync_runs WHERE run_id = '{runId}' AND error_kind = 'TokenInvalid' AND error_detail->>'kind' = 'TokenInvalid'"));
    }

    [Fact]
    public async Task Should_record_which_levels_were_read_and_which_were_answered_from_postgresql()
    {
        var runId = await StartRun();
        var readAt = Sut.Time.GetUtcNow() - TimeSpan.FromMinutes(30);
        await Sut.Harness.Bus.Publish(new EntitiesFetched(runId, Account, EntityLevel.Campaign, 1, true, 2, [], GraphCalls: 0, Guid.NewGuid(), readAt));
        await Page(runId, EntityLevel.AdSet, 1, last: true, count: 3);
        await Page(runId, EntityLevel.Ad, 1, last: true, count: 5);
        await Handled<EntitiesFetched>(3, m => m.RunId == runId);
        foreach (var batch in Batches().Where(b => b.RunId == runId))
        {
            await BatchDone(runId, batch.BatchId);
        }

        await InState(m => m.Idle, runId);
        var account = await Row($"SELECT last_synced_at FROM ad_accounts WHERE id = '{Account}'");
        Assert.Equal(readAt.UtcDateTime, account[0]);
        var reused = $"Campaign={readAt.UtcDateTime:O}";
        Assert.Equal(1L, await Database.CountAsync(
            $"SELECT count(*) FROM sync_runs WHERE run_id = '{runId}' AND levels_read = ARRAY['AdSet', 'Ad'] AND levels_reused = ARRAY['{reused}']"));
    }
}
