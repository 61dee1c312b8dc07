using MetaAdsSync.Fetching;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_processes_share_learned_page_sizes(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Should_start_another_process_at_the_limit_one_process_learned()
    {
        var first = new SharedPageSizeMemory(database.DataSource, _clock);
        Assert.Equal(500, await first.GetAsync("act_shared", "ads", 500, default));
        await first.RememberAsync("act_shared", "ads", 250, default);

        var second = new SharedPageSizeMemory(database.DataSource, _clock);
        Assert.Equal(250, await second.GetAsync("act_shared", "ads", 500, default));
        Assert.Equal(500, await second.GetAsync("act_shared", "adsets", 500, default));
        Assert.Equal(500, await second.GetAsync("act_other", "ads", 500, default));
        Assert.Equal(200, await second.GetAsync("act_shared", "ads", 200, default));
    }

    [Fact]
    public async Task Should_keep_the_smaller_limit_when_two_processes_learn_different_ones()
    {
        await new SharedPageSizeMemory(database.DataSource, _clock).RememberAsync("act_two", "ads", 125, default);
        await new SharedPageSizeMemory(database.DataSource, _clock).RememberAsync("act_two", "ads", 250, default);

        Assert.Equal(125, await new SharedPageSizeMemory(database.DataSource, _clock).GetAsync("act_two", "ads", 500, default));
    }

    [Fact]
    public async Task Should_try_the_maximum_again_once_what_was_learned_is_older_than_a_week()
    {
        await new SharedPageSizeMemory(database.DataSource, _clock).RememberAsync("act_old", "ads", 125, default);
        _clock.Advance(SharedPageSizeMemory.Forget + TimeSpan.FromMinutes(1));

        var later = new SharedPageSizeMemory(database.DataSource, _clock);
        Assert.Equal(500, await later.GetAsync("act_old", "ads", 500, default));
        await later.RememberAsync("act_old", "ads", 250, default);
        Assert.Equal(250, await new SharedPageSizeMemory(database.DataSource, _clock).GetAsync("act_old", "ads", 500, default));
    }
}
