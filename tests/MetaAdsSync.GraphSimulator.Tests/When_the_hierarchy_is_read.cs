using System.Text.Json;
using System.Text.RegularExpressions;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed partial class When_the_hierarchy_is_read : SimulatorTest
{
    protected override void Configure(SimulatorOptions options) => options.CallBudget = 100_000;

    async Task<Dictionary<string, JsonElement>> ReadAsync(string account, string edge, string fields, string extra = "") =>
        (await Simulator.ReadAllAsync($"{account}/{edge}?fields={fields}&limit=200{extra}")).Rows
            .ToDictionary(r => r.GetProperty("id").GetString()!);

    static string S(JsonElement row, string field) => row.GetProperty(field).GetString()!;

    static bool Delivering(string status) => status is "ACTIVE" or "WITH_ISSUES";

    [Fact]
    public async Task Should_place_delivering_objects_only_under_delivering_parents_and_show_paused_parents_on_children()
    {
        foreach (var account in Simulator.Running.AccountIds)
        {
            var campaigns = await ReadAsync(account, "campaigns", "id,status,effective_status");
            var adSets = await ReadAsync(account, "adsets", "id,campaign_id,status,effective_status");
            var ads = await ReadAsync(account, "ads", "id,campaign_id,adset_id,status,effective_status");

            foreach (var adSet in adSets.Values)
            {
                var campaign = campaigns[S(adSet, "campaign_id")];
                Assert.Equal(Expected(S(adSet, "status"), S(campaign, "effective_status"), null), Normal(S(adSet, "effective_status")));
            }

            foreach (var ad in ads.Values)
            {
                var adSet = adSets[S(ad, "adset_id")];
                Assert.Equal(S(adSet, "campaign_id"), S(ad, "campaign_id"));
                Assert.Equal(Expected(S(ad, "status"), S(campaigns[S(ad, "campaign_id")], "effective_status"), adSet), Normal(S(ad, "effective_status")));
            }
        }
    }

    /// <summary>Meta's precedence: own pause, then the campaign's, then the ad set's; otherwise the object's own delivery.</summary>
    static string Expected(string status, string campaignStatus, JsonElement? adSet) =>
        status == "PAUSED" ? "PAUSED"
        : !Delivering(campaignStatus) ? "CAMPAIGN_PAUSED"
        : adSet is { } parent && S(parent, "status") == "PAUSED" ? "ADSET_PAUSED"
        : "OWN";

    static string Normal(string effective) => effective is "PAUSED" or "CAMPAIGN_PAUSED" or "ADSET_PAUSED" ? effective : "OWN";

    [Fact]
    public async Task Should_never_return_deleted_objects_and_archived_ones_only_when_filtered_for()
    {
        var truth = Simulator.Running.GetTruth(Sim.BigAccount)!;
        Assert.NotEmpty(truth.Ads.Archived);
        Assert.NotEmpty(truth.Ads.Deleted);

        var plain = await ReadAsync(Sim.BigAccount, "ads", "id");
        var archived = await ReadAsync(Sim.BigAccount, "ads", "id,effective_status", "&effective_status=[\"ARCHIVED\"]");
        var viaFiltering = await ReadAsync(Sim.BigAccount, "ads", "id",
            "&filtering=" + Uri.EscapeDataString("[{\"field\":\"ad.effective_status\",\"operator\":\"IN\",\"value\":[\"ARCHIVED\",\"DELETED\"]}]"));

        Assert.Empty(plain.Keys.Intersect(truth.Ads.Archived.Concat(truth.Ads.Deleted)));
        Assert.Equal(truth.Ads.Archived.Order(), archived.Keys.Order());
        Assert.Equal(truth.Ads.Archived.Order(), viaFiltering.Keys.Order());
    }

    [Fact]
    public async Task Should_send_budgets_as_strings_and_times_with_an_offset_without_a_colon()
    {
        var campaigns = await ReadAsync(Sim.BigAccount, "campaigns", "id,daily_budget,lifetime_budget,created_time,updated_time");

        var budgets = campaigns.Values.SelectMany(c => new[] { "daily_budget", "lifetime_budget" }
            .Where(f => c.TryGetProperty(f, out _)).Select(f => c.GetProperty(f))).ToList();
        Assert.NotEmpty(budgets);
        Assert.All(budgets, b => Assert.Equal(JsonValueKind.String, b.ValueKind));
        Assert.All(campaigns.Values, c => Assert.Matches(MetaTime(), S(c, "created_time")));
    }

    [Fact]
    public async Task Should_name_objects_with_non_ascii_text_and_give_ads_heavy_creatives()
    {
        var ads = await ReadAsync(Sim.BigAccount, "ads", "id,name,creative{id,title,body,image_url,thumbnail_url}");

        Assert.Contains(ads.Values, a => S(a, "name").Any(ch => ch > 127));
        var creatives = ads.Values.Select(a => a.GetProperty("creative")).ToList();
        Assert.All(creatives, c => Assert.StartsWith("https://", S(c, "image_url")));
        Assert.All(creatives, c => Assert.StartsWith("https://", S(c, "thumbnail_url")));
        Assert.InRange(creatives.Average(c => S(c, "body").Length), 200, 800);
    }

    [Fact]
    public async Task Should_answer_a_field_asked_for_twice_once()
    {
        var answer = await Simulator.GetAsync($"{Sim.BigAccount}/campaigns?fields=id,name,id&limit=1");

        Assert.Equal(["id", "name"], answer.Data[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Should_send_only_the_creative_id_without_an_expansion()
    {
        var ads = await Simulator.GetAsync($"{Sim.BigAccount}/ads?fields=id,creative&limit=5");

        Assert.All(ads.Data, a => Assert.Equal(["id"], a.GetProperty("creative").EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task Should_read_only_what_changed_since_a_time_for_an_incremental_sync()
    {
        var all = await ReadAsync(Sim.BigAccount, "campaigns", "id,updated_time");
        var times = all.Values.Select(c => DateTimeOffset.ParseExact(S(c, "updated_time"), "yyyy-MM-dd'T'HH:mm:sszzz", null)).Order().ToList();
        var since = times[times.Count / 2].ToUnixTimeSeconds();
        var filter = Uri.EscapeDataString($"[{{\"field\":\"campaign.updated_time\",\"operator\":\"GREATER_THAN\",\"value\":{since}}}]");

        var changed = await ReadAsync(Sim.BigAccount, "campaigns", "id", $"&filtering={filter}");

        Assert.Equal(times.Count(t => t.ToUnixTimeSeconds() > since), changed.Count);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$")]
    private static partial Regex MetaTime();
}
