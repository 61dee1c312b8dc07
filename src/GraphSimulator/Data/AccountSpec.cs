using System.Reflection;
using System.Text.Json;

namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>How many objects a level has that the plain edges return, and how many of those deliver.</summary>
internal sealed record LevelSpec(int Total, int Active, int WithIssues);

/// <summary>One account to generate: the shape of <c>seed-accounts.json</c>.</summary>
internal sealed record AccountSpec(
    string Id, string Name, string Currency, string Timezone, LevelSpec Campaigns, LevelSpec AdSets, LevelSpec Ads)
{
    public LevelSpec At(Level level) => level switch
    {
        Level.Campaign => Campaigns,
        Level.AdSet => AdSets,
        _ => Ads,
    };

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The twelve accounts of the seed audit, from the copy embedded in this assembly.</summary>
    public static IReadOnlyList<AccountSpec> SeedAccounts()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("seed-accounts.json")
            ?? throw new InvalidOperationException("seed-accounts.json is not embedded in the simulator");
        var fixture = JsonSerializer.Deserialize<Fixture>(stream, Json)
            ?? throw new InvalidOperationException("seed-accounts.json is empty");
        return fixture.Accounts;
    }

    sealed record Fixture(List<AccountSpec> Accounts);
}
