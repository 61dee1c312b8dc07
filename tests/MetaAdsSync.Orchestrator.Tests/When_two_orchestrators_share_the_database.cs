using MassTransit;
using MetaAdsSync.Contracts;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>Two harnesses on one database: two orchestrator processes racing on the same saga rows.</summary>
public class When_two_orchestrators_share_the_database(MigratedDatabaseFixture database) : SagaSpec(database)
{
    [Fact]
    public async Task Should_count_fifty_concurrent_duplicates_of_a_batch_answer_once()
    {
        await using var other = await SagaHarness.StartAsync(ConnectionString);
        var runId = await StartRun();
        await Page(runId, EntityLevel.Campaign, 1, last: true, count: 3, "c1", "c2", "c3");
        await WaitFor(s => s.PagesSeen.Count == 1, "the page");
        var batch = Batches().First(b => b.Level == EntityLevel.Campaign);

        var answer = new InsightsBatchFetched(runId, Account, batch.BatchId, Rows: 3, GraphCalls: 1);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? Sut : other).Harness.Bus.Publish(answer)));

        await WaitUntil(() => Consumed(Sut) + Consumed(other) >= 50, "50 answers consumed");
        var state = await Sut.Load(Account);
        Assert.Equal([batch.BatchId], state!.BatchesSucceeded);
        Assert.Equal(2, state.GraphCalls);
        Assert.True(Consumed(other) > 0, "the second orchestrator took part");

        int Consumed(SagaHarness h) =>
            h.Saga.Consumed.Select<InsightsBatchFetched>(m => m.Context.Message.AccountId == Account).Count();
    }

    [Fact]
    public async Task Should_create_one_instance_and_one_run_when_two_first_requests_race()
    {
        await using var other = await SagaHarness.StartAsync(ConnectionString);
        var account = "act_" + Random.Shared.NextInt64(100_000_000, 999_999_999);

        var responses = await Task.WhenAll(
            Ask(Sut, account, Guid.NewGuid()),
            Ask(other, account, Guid.NewGuid()));

        Assert.Equal(1, responses.Count(r => !r.Deduplicated));
        Assert.Single(responses.Select(r => r.RunId).Distinct());
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM account_syncs WHERE account_id = '{account}'", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    static async Task<SyncAccepted> Ask(SagaHarness harness, string account, Guid runId)
    {
        var client = harness.Harness.GetRequestClient<SyncAccountRequested>();
        var response = await client.GetResponse<SyncAccepted>(
            new SyncAccountRequested(account, runId, "last_7d", SyncTrigger.Manual, Force: false, DateTimeOffset.UtcNow));
        return response.Message;
    }

    static async Task WaitUntil(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new Xunit.Sdk.XunitException("Timed out waiting for " + what);
            }

            await Task.Delay(50);
        }
    }
}
