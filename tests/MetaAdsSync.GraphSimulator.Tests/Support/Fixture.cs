using System.Text.Json;

namespace MetaAdsSync.GraphSimulator.Tests.Support;

/// <summary>The seed audit's accounts as the fixture file states them, read independently of the simulator's loader.</summary>
public static class Fixture
{
    public sealed record Level(int Total, int Active, int WithIssues);

    public sealed record Account(string Id, string Name, Level Campaigns, Level AdSets, Level Ads);

    sealed record File(List<Account> Accounts);

    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<Account> Accounts { get; } = JsonSerializer.Deserialize<File>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed-accounts.json")), Web)!.Accounts;
}
