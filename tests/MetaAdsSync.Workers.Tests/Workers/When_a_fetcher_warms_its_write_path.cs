using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Workers.Tests.Workers;

public class When_a_fetcher_warms_its_write_path(RabbitMqFixture rabbit, MigratedDatabase db)
    : IClassFixture<RabbitMqFixture>, IClassFixture<MigratedDatabase>
{
    static readonly string[] Tables = ["campaigns", "ad_sets", "ads", "insights", "daily_insights", "entity_sync_marks", "rate_gate", "page_limits"];

    [Fact]
    public async Task Should_run_each_fetchers_reads_and_statements_at_start_and_leave_no_row_behind_nor_call_meta()
    {
        var before = await CountsAsync();
        var meta = new CountingHandler();

        await using var host = await WorkerHost.StartAsync(rabbit, db, meta);

        // Both warm-ups read canned pages through the Graph client and the shared rate gate, and wrote a page of each level
        // through the real statements (a failure is logged, not thrown).
        foreach (var warmUp in (string[])["EntityWarmUp", "InsightWarmUp"])
        {
            Assert.Contains(host.Logs.Lines, l => l.Contains(warmUp, StringComparison.Ordinal) && l.Contains("The read and write paths warmed", StringComparison.Ordinal)
                && !l.Contains(" 0 canned rows", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("was not warmed", StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(0, meta.Calls);
    }

    /// <summary>Meta as the host's Graph client would reach it: counts what gets there.</summary>
    sealed class CountingHandler : HttpMessageHandler
    {
        int _calls;

        public int Calls => _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError));
        }
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
