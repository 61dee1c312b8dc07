using System.Net;
using System.Text;
using System.Text.Json;

namespace MetaAdsSync.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public class When_a_request_is_bad(GatewayFixture gateway)
{
    public static TheoryData<string, string, int, string?> Bodies => new()
    {
        // body, content type, expected status, field named
        { "{", "application/json", 400, "body" },
        { "{\"accountId\": }", "application/json", 400, "body" },
        { "not json", "application/json", 400, "body" },
        { "[]", "application/json", 400, "body" },
        { "\"act_1\"", "application/json", 400, "body" },
        { "42", "application/json", 400, "body" },
        { "{\"accountId\": 697495618573979}", "application/json", 400, "accountId" },
        { "{\"accountId\": true}", "application/json", 400, "accountId" },
        { "{\"accountId\": {}}", "application/json", 400, "accountId" },
        { "{\"accountId\": [\"act_1\"]}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"act_\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"act_abc\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"697495618573979\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"act_123456789012345678901\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \" act_1\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"ACT_1\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"act_1'; DROP TABLE ad_accounts;--\"}", "application/json", 400, "accountId" },
        { "{\"accountId\": \"act_1\", \"datePreset\": \"last_8d\"}", "application/json", 400, "datePreset" },
        { "{\"accountId\": \"act_1\", \"datePreset\": \"LAST_7D\"}", "application/json", 400, "datePreset" },
        { "{\"accountId\": \"act_1\", \"datePreset\": 7}", "application/json", 400, "datePreset" },
        { "{\"accountId\": \"act_1\", \"datePreset\": \"\"}", "application/json", 400, "datePreset" },
        { "{\"accountId\": \"act_1\", \"force\": \"true\"}", "application/json", 400, "force" },
        { "{\"accountId\": \"act_1\", \"force\": 1}", "application/json", 400, "force" },
        { "{\"accountID\": \"act_1\"}", "application/json", 400, "accountID" },
        { "{\"account_id\": \"act_1\"}", "application/json", 400, "account_id" },
        { "{\"force\": true, \"force\": false}", "application/json", 400, "force" },
        { "{\"accountId\": \"act_1\"}", "text/plain", 400, "body" },
        { "{\"accountId\": \"act_1\", \"pad\": \"" + new string('x', 17 * 1024) + "\"}", "application/json", 400, "body" },
        { "{\"accountId\": \"act_1\"}", "application/json", 404, null },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Should_answer_a_problem_naming_what_was_wrong_and_publish_nothing(string body, string contentType, int status, string? field)
    {
        using var client = gateway.Client();
        var before = gateway.PublishedSyncRequests;

        using var response = await client.PostAsync("api/meta-ads/sync", new StringContent(body, Encoding.UTF8, contentType));

        var problem = await AssertProblem(response, status);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        Assert.Equal(before, gateway.PublishedSyncRequests);
    }

    [Fact]
    public async Task Should_answer_a_problem_for_a_body_that_is_not_utf8()
    {
        using var client = gateway.Client();
        var before = gateway.PublishedSyncRequests;
        using var content = new ByteArrayContent([.. "{\"accountId\": \"act_1"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("api/meta-ads/sync", content);

        var problem = await AssertProblem(response, 400);
        Assert.Equal("body", problem.GetProperty("field").GetString());
        Assert.Equal(before, gateway.PublishedSyncRequests);
    }

    public static TheoryData<string, int, string?> Queries => new()
    {
        { "api/syncs/not-a-uuid", 400, "syncId" },
        { $"api/syncs/{Guid.NewGuid()}", 404, null },
        { "api/syncs?limit=0", 400, "limit" },
        { "api/syncs?limit=abc", 400, "limit" },
        { "api/syncs?limit=501", 400, "limit" },
        { "api/syncs?status=Bogus", 400, "status" },
        { "api/syncs?status=FetchingEntities", 400, "status" },
        { "api/syncs?state=Bogus", 400, "state" },
        { "api/syncs?status=Running&state=Running", 400, "state" },
        { "api/syncs?accountId=act_x", 400, "accountId" },
        { "api/accounts/act_x/campaigns", 400, "accountId" },
        { "api/accounts/act_1/campaigns", 404, null },
        { "api/accounts/act_697495618573979/ads?datePreset=bogus", 400, "datePreset" },
        { "api/accounts/act_697495618573979/ads?status=active", 400, "status" },
        { "api/accounts/act_697495618573979/adsets?limit=-1", 400, "limit" },
        { "api/accounts/act_697495618573979/adsets?after=abc", 400, "after" },
        { "api/accounts/act_697495618573979/ads?include=deleted", 400, "include" },
        { "api/no-such-thing", 404, null },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Should_answer_a_bad_read_with_a_problem(string path, int status, string? field)
    {
        using var client = gateway.Client();
        await client.PostAsync("api/meta-ads/sync", new StringContent("{\"accountId\":\"all\"}", Encoding.UTF8, "application/json"));

        using var response = await client.GetAsync(path);

        var problem = await AssertProblem(response, status);
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Should_answer_a_wrong_method_with_a_problem()
    {
        using var client = gateway.Client();
        using var response = await client.GetAsync("api/meta-ads/sync");
        await AssertProblem(response, 405);
    }

    internal static async Task<JsonElement> AssertProblem(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return problem;
    }
}
