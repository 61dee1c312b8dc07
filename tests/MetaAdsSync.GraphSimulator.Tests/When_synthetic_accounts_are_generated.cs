using MetaAdsSync.GraphSimulator.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_synthetic_accounts_are_generated
{
    [Theory]
    [InlineData(SyntheticSizeDistribution.Uniform)]
    [InlineData(SyntheticSizeDistribution.Skewed)]
    public async Task Should_add_the_accounts_asked_for_around_the_mean_size(SyntheticSizeDistribution distribution)
    {
        await using var sim = await Sim.StartAsync(o =>
        {
            o.SyntheticAccounts = 40;
            o.SyntheticMeanEntities = 500;
            o.SyntheticDistribution = distribution;
        });

        var synthetic = sim.Running.GetAccounts().Skip(12).ToList();
        var sizes = synthetic.Select(a => a.Campaigns + a.AdSets + a.Ads).ToList();

        Assert.Equal(40, synthetic.Count);
        Assert.InRange(sizes.Average(), 250, 1000);
        Assert.All(synthetic, a => Assert.InRange(a.InsightEligible, 1, a.Campaigns + a.AdSets + a.Ads));
    }

    [Fact]
    public async Task Should_serve_synthetic_accounts_like_the_seed_ones()
    {
        await using var sim = await Sim.StartAsync(o =>
        {
            o.IncludeSeedAccounts = false;
            o.SyntheticAccounts = 2;
            o.SyntheticMeanEntities = 800;
        });
        var account = sim.Running.AccountIds[0];
        var truth = sim.Running.GetTruth(account)!;

        var (ads, _) = await sim.ReadAllAsync($"{account}/ads?fields=id,creative{{id,body}}&limit=200");

        Assert.Equal(2, sim.Running.AccountIds.Count);
        Assert.Equal(truth.Ads.Ids, ads.Select(a => a.GetProperty("id").GetString()));
    }

    [Fact]
    public void Should_read_its_options_from_the_command_line()
    {
        var app = SimulatorApp.Build(["--Simulator:AccessTokens:0=token-a", "--Simulator:LatencyMs=500", "--Simulator:SyntheticAccounts=3"]);

        var options = app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;

        Assert.Equal(["token-a"], options.AccessTokens);
        Assert.Equal(500, options.LatencyMs);
        Assert.Equal(3, options.SyntheticAccounts);
    }
}
