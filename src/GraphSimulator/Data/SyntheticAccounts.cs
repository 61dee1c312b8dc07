namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>Account shapes for scale runs: sizes drawn around a mean, split across levels like the seed's accounts.</summary>
internal static class SyntheticAccounts
{
    static readonly (string Currency, string Timezone)[] Places =
    [
        ("AUD", "Australia/Sydney"), ("AUD", "Australia/Melbourne"), ("NZD", "Pacific/Auckland"),
        ("USD", "America/New_York"), ("EUR", "Europe/Berlin"), ("GBP", "Europe/London"), ("JPY", "Asia/Tokyo"),
    ];

    public static IEnumerable<AccountSpec> Create(SimulatorOptions options)
    {
        var rng = new Rng(options.Seed, "synthetic-accounts");
        for (var i = 0; i < options.SyntheticAccounts; i++)
        {
            var total = Size(rng, options.SyntheticMeanEntities, options.SyntheticDistribution);
            var campaigns = Math.Max(1, total / options.SyntheticEntitiesPerCampaign);
            var adSets = Math.Max(1, total / 5);
            var ads = Math.Max(0, total - campaigns - adSets);
            var activeCampaigns = Math.Max(1, (int)Math.Round(campaigns * 0.2));
            var activeAdSets = (int)Math.Round(adSets * 0.15);
            var activeAds = activeAdSets == 0 ? 0 : (int)Math.Round(ads * 0.12);
            var place = rng.Pick(Places);
            yield return new AccountSpec(
                $"act_{990000000000000 + i}",
                TextPool.AccountName(rng, i + 1),
                place.Currency,
                place.Timezone,
                new LevelSpec(campaigns, activeCampaigns, 0),
                new LevelSpec(adSets, activeAdSets, activeAdSets / 20),
                new LevelSpec(ads, activeAds, activeAds / 20));
        }
    }

    static int Size(Rng rng, int mean, SyntheticSizeDistribution distribution)
    {
        if (distribution == SyntheticSizeDistribution.Uniform)
        {
            return Math.Max(3, (int)(mean * (0.8 + 0.4 * rng.NextDouble())));
        }

        // Log-normal with σ = 1 keeps the mean while a few accounts are ten times it.
        const double sigma = 1.0;
        var z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var size = mean * Math.Exp(sigma * z - sigma * sigma / 2);
        return (int)Math.Clamp(size, 3, mean * 20.0);
    }
}
