using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_a_fetcher_warms_its_write_path(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static readonly string[] Tables = ["campaigns", "ad_sets", "ads", "insights", "daily_insights", "entity_sync_marks"];

    [Fact]
    public async Task Should_run_each_fetchers_statements_at_start_and_leave_no_row_behind()
    {
        var before = await CountsAsync();

        await using var host = await WorkerHost.StartAsync(rabbit, db);

        // Both warm-ups wrote a page of each level through the real statements (a failing statement is logged, not thrown).
        Assert.Contains(host.Logs.Lines, l => l.Contains("EntityWarmUp", StringComparison.Ordinal) && l.Contains("The write path warmed", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Lines, l => l.Contains("InsightWarmUp", StringComparison.Ordinal) && l.Contains("The write path warmed", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("was not warmed", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    async Task<Dictionary<string, long>> CountsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            counts[table] = await db.CountAsync($"SELECT count(*) FROM {table}");
        }

        return counts;
    }
}
