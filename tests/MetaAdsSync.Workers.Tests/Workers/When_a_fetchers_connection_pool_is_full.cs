using MetaAdsSync.Contracts;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.TestSupport;
using MetaAdsSync.Workers.Tests.GraphApi;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetaAdsSync.Workers.Tests.Workers;

/// <summary>
/// A fetcher keeps more messages in flight than it has connections: when its pool stays full for
/// <c>Postgres:AcquireTimeout</c>, the message is tried again for as long as it takes, never failed, whatever
/// <c>Sync:ConsumerRetryLimit</c> says.
/// </summary>
public class When_a_fetchers_connection_pool_is_full(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_recognise_what_npgsql_throws_and_nothing_else()
    {
        var full = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1, Timeout = 1 }.ConnectionString;
        await using var source = NpgsqlDataSource.Create(full);
        await using var held = await source.OpenConnectionAsync();

        var exhausted = await Assert.ThrowsAsync<NpgsqlException>(async () => await source.OpenConnectionAsync());
        var serverError = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var command = new NpgsqlCommand("SELECT 1 / 0", held);
            await command.ExecuteScalarAsync();
        });
        var nobodyListens = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = HostProcess.FreePort(), Pooling = false, Timeout = 1 }.ConnectionString;
        var refused = await Assert.ThrowsAsync<NpgsqlException>(async () =>
        {
            await using var connection = new NpgsqlConnection(nobodyListens);
            await connection.OpenAsync();
        });

        Assert.True(PoolWaits.IsPoolExhausted(exhausted), exhausted.ToString());
        Assert.True(PoolWaits.IsPoolExhausted(new InvalidOperationException("wrapped", exhausted)));
        Assert.False(PoolWaits.IsPoolExhausted(serverError));
        Assert.False(PoolWaits.IsPoolExhausted(refused), refused.ToString());
    }

    [Fact]
    public async Task Should_store_and_announce_the_level_once_a_connection_comes_free_past_the_retry_limit()
    {
        var graph = new FakeGraph();
        graph.Serve("act_501/campaigns", Enumerable.Range(1, 40).Select(i => new { id = $"501-c-{i:D3}", effective_status = "ACTIVE" }));
        await using var host = await WorkerHost.StartAsync(rabbit, db, graph, new()
        {
            ["Postgres:MaxPoolSize"] = "1",
            ["Postgres:AcquireTimeout"] = "00:00:01",
            ["Sync:ConsumerRetryLimit"] = "1",
        });
        var run = Guid.NewGuid();

        // The test holds the host's only pooled connection: every statement of the fetch waits a second and gives up.
        var pool = host.Services.GetRequiredService<NpgsqlDataSource>();
        var held = await pool.OpenConnectionAsync();
        await host.PublishAsync(new FetchEntities(run, "act_501", EntityLevel.Campaign, Force: false));
        // Long enough for the first try and the one retry Sync:ConsumerRetryLimit allows to have waited their second each:
        // under that limit alone the message would have failed by now.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var duringTheWait = host.Recorded.For(run);
        await held.DisposeAsync();
        var messages = await host.LevelDoneAsync(run, EntityLevel.Campaign);

        Assert.Empty(duringTheWait);
        Assert.DoesNotContain(messages, m => m is EntityFetchFailed);
        Assert.Equal(40, messages.OfType<EntitiesFetched>().Sum(p => p.Count));
        Assert.Equal(40, await db.CountAsync("SELECT count(*) FROM campaigns WHERE account_id = 'act_501'"));
    }
}
