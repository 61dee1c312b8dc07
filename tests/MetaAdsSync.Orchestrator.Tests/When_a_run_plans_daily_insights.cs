using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Saga;

namespace MetaAdsSync.Orchestrator.Tests;

public class When_a_run_plans_daily_insights : SagaSpec
{
    // The harness's clock starts at 2026-11-29 12:00 UTC; its calendar puts every account in UTC.
    static readonly DailyWindow Window = new(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 29));

    protected override void Configure(SagaOptions options)
    {
        options.DailyInsightDays = 28;
        options.InsightMaxAge = TimeSpan.FromDays(1);
    }

    [Fact]
    public async Task Should_send_one_daily_read_per_level_of_the_last_days_today_included_beside_the_preset_reads()
    {
        var runId = await StartRun();

        await Sut.Harness.Published(6, (FetchInsightsBatch m) => m.RunId == runId);
        var reads = Batches();
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad], reads.Where(b => b.Daily is null).Select(b => b.Level));
        Assert.Equal([EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad], reads.Where(b => b.Daily is not null).Select(b => b.Level));
        Assert.All(reads.Where(b => b.Daily is not null), b => Assert.Equal((Window, 28, PartitionKind.WholeLevel), (b.Daily, b.Daily!.Days, b.Partition.Kind)));
        Assert.Equal(6, reads.Select(b => b.BatchId).Distinct().Count());
    }

    [Fact]
    public async Task Should_record_the_windows_read_and_skip_them_within_the_max_age_unless_forced_or_the_day_turned()
    {
        var first = await StartRun();
        await Sut.Harness.Published(6, (FetchInsightsBatch m) => m.RunId == first);
        await CompleteRun(first);
        var (_, run) = await Ended(first);
        Assert.Equal(["Ad:2026-11-02..2026-11-29", "AdSet:2026-11-02..2026-11-29", "Campaign:2026-11-02..2026-11-29"], run.DailyLevelsRead!.Order(StringComparer.Ordinal));
        Assert.Equal(3, run.InsightLevelsRead.Count);

        Sut.Time.Advance(TimeSpan.FromMinutes(30));
        var second = await StartRun();
        await CompleteRun(second);
        Assert.DoesNotContain(Batches(), b => b.RunId == second);

        var forced = await StartRun(force: true);
        await Sut.Harness.Published(6, (FetchInsightsBatch m) => m.RunId == forced);
        await CompleteRun(forced);

        // 00:15 the next day: the presets are still fresh, but the account's day turned, and so did its window.
        Sut.Time.Advance(TimeSpan.FromMinutes(705));
        var later = await StartRun();
        await Sut.Harness.Published(3, (FetchInsightsBatch m) => m.RunId == later);
        var reads = Batches().Where(b => b.RunId == later).ToList();
        Assert.Equal(3, reads.Count);
        Assert.All(reads, b => Assert.Equal(new DailyWindow(new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 30)), b.Daily));
    }
}
