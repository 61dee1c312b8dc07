using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Tests.Support;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_the_admin_api_changes_the_data : SimulatorTest
{
    AccountTruth Truth => Simulator.Running.GetTruth(Sim.BigAccount)!;

    async Task<(HttpStatusCode Status, JsonElement Body, string? Type)> PostAsync(string path, string json)
    {
        using var response = await Simulator.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_pause_rename_and_move_over_http_and_answer_the_object_as_it_now_is()
    {
        var ad = Truth.Ads.Entities[Truth.Ads.InsightEligible[0]];
        var target = Truth.AdSets.Ids.First(id => id != ad.AdSetId);

        var (status, body, _) = await PostAsync($"_sim/objects/{ad.Id}", $"{{\"status\":\"PAUSED\",\"name\":\"Moved\",\"adSetId\":\"{target}\"}}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("PAUSED", "Moved", target), (body.GetProperty("status").GetString(), body.GetProperty("name").GetString(), body.GetProperty("adSetId").GetString()));
        Assert.Equal("PAUSED", Truth.Ads.EffectiveStatus[ad.Id]);
    }

    [Fact]
    public async Task Should_create_objects_with_201_and_where_to_find_them()
    {
        using var response = await Simulator.Http.PostAsJsonAsync($"_sim/accounts/{Sim.BigAccount}/campaigns", new { name = "Launch", status = "PAUSED" });
        var campaign = await response.Content.ReadFromJsonAsync<JsonElement>();
        var adSet = await PostAsync($"_sim/objects/{campaign.GetProperty("id").GetString()}/adsets", "{}");
        var ad = await PostAsync($"_sim/objects/{adSet.Body.GetProperty("id").GetString()}/ads", "{\"name\":\"First ad\"}");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/_sim/objects/{campaign.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        Assert.Equal("CAMPAIGN_PAUSED", ad.Body.GetProperty("effectiveStatus").GetString());
        Assert.Contains(ad.Body.GetProperty("id").GetString(), Truth.Ads.Ids);
    }

    [Fact]
    public async Task Should_revoke_and_restore_access_and_set_the_account_status()
    {
        var revoked = await PostAsync($"_sim/accounts/{Sim.BigAccount}", "{\"accessible\":false,\"accountStatus\":101}");
        var restored = await PostAsync($"_sim/accounts/{Sim.BigAccount}", "{\"accessible\":true}");

        Assert.Equal((HttpStatusCode.OK, false, 101), (revoked.Status, revoked.Body.GetProperty("accessible").GetBoolean(), revoked.Body.GetProperty("accountStatus").GetInt32()));
        Assert.True(restored.Body.GetProperty("accessible").GetBoolean());
    }

    [Fact]
    public async Task Should_restate_over_http_and_serve_the_daily_truth()
    {
        var ad = Truth.Ads.InsightEligible[0];
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney")).DateTime);
        var since = today.AddDays(-3).ToString("yyyy-MM-dd", null);

        var restated = await PostAsync($"_sim/objects/{ad}/restate", $"{{\"since\":\"{since}\",\"until\":\"{since}\",\"factor\":1.2}}");
        var daily = await Simulator.Http.GetFromJsonAsync<JsonElement>($"_sim/truth/{Sim.BigAccount}/daily?since={since}&until={since}");

        Assert.Equal((HttpStatusCode.OK, 1, 1), (restated.Status, restated.Body.GetProperty("objects").GetInt32(), restated.Body.GetProperty("days").GetInt32()));
        Assert.Contains(daily.GetProperty("rows").EnumerateArray(), r => r.GetProperty("entityId").GetString() == ad && r.GetProperty("level").GetString() == "ad");
    }

    [Theory]
    [InlineData("_sim/objects/{ad}", "{\"status\":\"SLEEPING\"}", HttpStatusCode.BadRequest, "status")]
    [InlineData("_sim/objects/{ad}", "{\"colour\":\"blue\"}", HttpStatusCode.BadRequest, "colour")]
    [InlineData("_sim/objects/{ad}", "{\"name\":\" \"}", HttpStatusCode.BadRequest, "name")]
    [InlineData("_sim/objects/{ad}", "{\"dailyBudget\":\"lots\"}", HttpStatusCode.BadRequest, "dailyBudget")]
    [InlineData("_sim/objects/{ad}", "{\"adSetId\":\"{campaign}\"}", HttpStatusCode.BadRequest, "adSetId")]
    [InlineData("_sim/objects/{ad}", "{}", HttpStatusCode.BadRequest, "nothing to change")]
    [InlineData("_sim/objects/120299999999999999", "{\"name\":\"x\"}", HttpStatusCode.NotFound, "120299999999999999")]
    [InlineData("_sim/objects/{deleted}", "{\"status\":\"ACTIVE\"}", HttpStatusCode.Conflict, "DELETED")]
    [InlineData("_sim/objects/{ad}/restate", "{\"since\":\"2026-11-01\",\"factor\":2}", HttpStatusCode.BadRequest, "until")]
    [InlineData("_sim/objects/{ad}/restate", "{\"since\":\"2026-11-01\",\"until\":\"2026-11-02\",\"factor\":-1}", HttpStatusCode.BadRequest, "factor")]
    [InlineData("_sim/accounts/{account}", "{\"accountStatus\":42}", HttpStatusCode.BadRequest, "accountStatus")]
    [InlineData("_sim/accounts/act_1/campaigns", "{}", HttpStatusCode.NotFound, "act_1")]
    [InlineData("_sim/objects/{campaign}/ads", "{}", HttpStatusCode.BadRequest, "not an ad set")]
    public async Task Should_refuse_bad_input_with_a_problem_naming_what_was_wrong(string path, string json, HttpStatusCode expected, string named)
    {
        string Fill(string text) => text.Replace("{ad}", Truth.Ads.Ids[0]).Replace("{deleted}", Truth.Ads.Deleted[0])
            .Replace("{campaign}", Truth.Campaigns.Ids[0]).Replace("{account}", Sim.BigAccount);

        var (status, body, type) = await PostAsync(Fill(path), Fill(json));

        Assert.Equal(expected, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains(named, body.GetRawText());
    }

    [Fact]
    public async Task Should_answer_the_daily_truth_only_for_a_sensible_window()
    {
        var reversed = await Simulator.Http.GetAsync($"_sim/truth/{Sim.BigAccount}/daily?since=2026-11-10&until=2026-11-01");
        var missing = await Simulator.Http.GetAsync($"_sim/truth/{Sim.BigAccount}/daily?since=2026-11-10");

        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }
}
