using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MetaAdsSync.Gateway.Webhooks;
using Npgsql;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>The webhooks API on a Gateway that refuses private targets (the default): what it takes, what it refuses, who sees what.</summary>
[Collection(GatewayCollection.Name)]
public class When_a_webhook_is_registered(GatewayFixture gateway)
{
    const string Secret = "whsec-gateway-test-0123456789";

    public static TheoryData<string, string, string> Bodies => new()
    {
        // body, content type, field named
        { "", "application/json", "body" },
        { "{", "application/json", "body" },
        { "[]", "application/json", "body" },
        { "{\"url\": \"https://example.com/h\", \"secret\": \"" + Secret + "\", \"events\": [\"sync.completed\"]}", "text/plain", "body" },
        { Body("ftp://example.com/h"), "application/json", "url" },
        { Body("example.com/h"), "application/json", "url" },
        { Body("https://user:pass@example.com/h"), "application/json", "url" },
        { Body("http://127.0.0.1:8080/h"), "application/json", "url" },
        { Body("http://localhost/h"), "application/json", "url" },
        { Body("http://[::1]/h"), "application/json", "url" },
        { Body("http://10.1.2.3/h"), "application/json", "url" },
        { Body("http://192.168.0.10/h"), "application/json", "url" },
        { Body("http://169.254.169.254/latest/meta-data"), "application/json", "url" },
        { Body("http://[::ffff:127.0.0.1]/h"), "application/json", "url" },
        { Body("https://example.com/" + new string('a', 2100)), "application/json", "url" },
        { "{\"url\": 42, \"secret\": \"" + Secret + "\", \"events\": [\"sync.completed\"]}", "application/json", "url" },
        { "{\"secret\": \"" + Secret + "\", \"events\": [\"sync.completed\"]}", "application/json", "url" },
        { "{\"url\": \"http://93.184.215.14/h\", \"secret\": \"short\", \"events\": [\"sync.completed\"]}", "application/json", "secret" },
        { "{\"url\": \"http://93.184.215.14/h\", \"events\": [\"sync.completed\"]}", "application/json", "secret" },
        { "{\"url\": \"http://93.184.215.14/h\", \"secret\": \"" + Secret + "\", \"events\": []}", "application/json", "events" },
        { "{\"url\": \"http://93.184.215.14/h\", \"secret\": \"" + Secret + "\", \"events\": [\"sync.done\"]}", "application/json", "events" },
        { "{\"url\": \"http://93.184.215.14/h\", \"secret\": \"" + Secret + "\", \"events\": \"sync.completed\"}", "application/json", "events" },
        { "{\"url\": \"http://93.184.215.14/h\", \"secret\": \"" + Secret + "\", \"events\": [\"sync.completed\"], \"active\": true}", "application/json", "active" },
        { "{\"url\": \"http://93.184.215.14/h\", \"url\": \"http://93.184.215.14/i\"}", "application/json", "url" },
        { "{\"url\": \"" + new string('x', 17 * 1024) + "\"}", "application/json", "body" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Should_refuse_a_bad_one_with_a_problem_naming_the_field_and_store_nothing(string body, string contentType, string field)
    {
        using var client = gateway.Client();

        using var response = await client.PostAsync("api/webhooks", new StringContent(body, Encoding.UTF8, contentType));

        var problem = await When_a_request_is_bad.AssertProblem(response, 400);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM webhooks WHERE secret = '{Secret}'"));
    }

    [Fact]
    public async Task Should_refuse_bad_ids_and_limits_and_answer_unknown_webhooks_404()
    {
        using var client = gateway.Client();

        Assert.Equal("webhookId", (await When_a_request_is_bad.AssertProblem(await client.DeleteAsync("api/webhooks/x'--"), 400)).GetProperty("field").GetString());
        Assert.Equal("webhookId", (await When_a_request_is_bad.AssertProblem(await client.GetAsync("api/webhooks/nope/deliveries"), 400)).GetProperty("field").GetString());
        await When_a_request_is_bad.AssertProblem(await client.DeleteAsync($"api/webhooks/{Guid.NewGuid()}"), 404);
        await When_a_request_is_bad.AssertProblem(await client.GetAsync($"api/webhooks/{Guid.NewGuid()}/deliveries"), 404);
    }

    [Fact]
    public async Task Should_show_a_scoped_key_only_its_own_and_never_a_secret()
    {
        using var all = gateway.Client();
        using var scoped = GatewayFixture.Client(gateway.Factory, GatewayFixture.ScopedKey);
        var mine = await RegisterAsync(scoped, "scoped-secret-0123456789abcdef");
        var theirs = await RegisterAsync(all, "all-secret-0123456789abcdef");

        var scopedList = await scoped.GetStringAsync("api/webhooks");
        var allList = await all.GetStringAsync("api/webhooks");

        var seen = JsonDocument.Parse(scopedList).RootElement.EnumerateArray().Select(h => h.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(mine, seen);
        Assert.DoesNotContain(theirs, seen);
        Assert.Contains(theirs.ToString(), allList, StringComparison.Ordinal);
        Assert.Contains(mine.ToString(), allList, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", scopedList + allList, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(GatewayFixture.ScopedAccounts.Order(),
            JsonDocument.Parse(scopedList).RootElement.EnumerateArray().First(h => h.GetProperty("id").GetGuid() == mine)
                .GetProperty("accounts").EnumerateArray().Select(a => a.GetString()).Order());

        await When_a_request_is_bad.AssertProblem(await scoped.DeleteAsync($"api/webhooks/{theirs}"), 404);
        await When_a_request_is_bad.AssertProblem(await scoped.GetAsync($"api/webhooks/{theirs}/deliveries"), 404);
        Assert.Equal(HttpStatusCode.NoContent, (await scoped.DeleteAsync($"api/webhooks/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await all.DeleteAsync($"api/webhooks/{theirs}")).StatusCode);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM webhooks WHERE id IN ('{mine}', '{theirs}')"));
    }

    [Theory]
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Should_class_addresses_as_public_only_when_they_are(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    static string Body(string url) => JsonSerializer.Serialize(new { url, secret = Secret, events = new[] { "sync.completed" } });

    static async Task<Guid> RegisterAsync(HttpClient client, string secret)
    {
        using var response = await client.PostAsJsonAsync("api/webhooks", new { url = "http://93.184.215.14/hook", secret, events = new[] { "sync.failed" } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(gateway.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
