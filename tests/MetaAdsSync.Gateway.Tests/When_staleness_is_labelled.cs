using MetaAdsSync.Gateway.Accounts;

namespace MetaAdsSync.Gateway.Tests;

public class When_staleness_is_labelled
{
    static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(59, "Just now")]
    [InlineData(60, "1m ago")]
    [InlineData(59 * 60, "59m ago")]
    [InlineData(60 * 60, "1h ago")]
    [InlineData(23 * 3600, "23h ago")]
    [InlineData(24 * 3600 - 1, "23h ago")]
    [InlineData(24 * 3600, "1d ago")]
    [InlineData(49 * 3600, "2d ago")]
    public void Should_read_as_the_seeds_time_ago(int secondsAgo, string label)
    {
        Assert.Equal(label, Staleness.Label(Now.AddSeconds(-secondsAgo), Now));
    }

    [Fact]
    public void Should_say_never_synced_without_a_sync()
    {
        Assert.Equal("Never synced", Staleness.Label(null, Now));
    }
}
