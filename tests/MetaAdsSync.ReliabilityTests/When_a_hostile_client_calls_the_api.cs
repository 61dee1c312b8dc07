using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MetaAdsSync.Contracts;
using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 8: malformed, oversized and hostile requests interleaved with good ones. Good ones succeed, bad ones get a
/// 4xx problem+json (never a 500), and only the good sync requests publish a <see cref="SyncAccountRequested"/>
/// (a queue of the test's own, bound to that message's exchange, sees every one published). The Gateway also has an API
/// key (configured as its SHA-256) beside its anonymous access, so wrong, oversized and doubled keys are among the bad.
/// </summary>
public sealed class When_a_hostile_client_calls_the_api(ITestOutputHelper output)
{
    const string Sync = "api/meta-ads/sync";
    static readonly string[] GoodAccounts = ["act_967045528830171", "act_756610284419937", Suite.TwoEzi];

    [Fact]
    public async Task Should_answer_every_bad_request_with_a_4xx_problem_and_publish_nothing_for_it()
    {
        await using var system = await Suite.StartSystemAsync(settings: new Dictionary<string, string>
        {
            ["Gateway__ApiKeys__0__Id"] = "suite",
            ["Gateway__ApiKeys__0__Sha256"] = Sha256Hex(Suite.ApiKey),
        });
        var spy = await Broker.SpyOnAsync<SyncAccountRequested>(system.VirtualHost);
        using var http = new HttpClient { BaseAddress = system.Gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

        var good = new Queue<Func<Task<HttpResponseMessage>>>(
        [
            () => http.PostAsync(Sync, Json($$"""{"accountId":"{{GoodAccounts[0]}}"}""")),
            () => http.GetAsync("api/accounts"),
            () => http.PostAsync(Sync, Json("""{"accountId":"all"}""")),
            () => http.PostAsync(Sync, Json($$"""{"accountId":"{{GoodAccounts[1]}}","datePreset":"last_7d","force":false}""")),
            () => http.GetAsync("api/syncs?limit=5"),
            () => http.PostAsync(Sync, Json($$"""{"accountId":"{{GoodAccounts[2]}}","datePreset":"last_7d","force":true}""")),
            () => http.GetAsync($"api/accounts/{Suite.TwoEzi}/ads?limit=10"),
            () => http.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, "api/syncs?limit=5"), "X-Api-Key", Suite.ApiKey)),
        ]);
        var bad = Bad(http).ToList();
        Assert.True(bad.Count >= 45);

        var goodAnswers = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < bad.Count; i++)
        {
            var (name, send) = bad[i];
            using (var response = await send())
            {
                var body = await response.Content.ReadAsStringAsync();
                output.WriteLine($"{(int)response.StatusCode} {name}");
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"{name}: {(int)response.StatusCode} {body}");
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                    $"{name}: {(int)response.StatusCode} as {response.Content.Headers.ContentType}: {body}");
                using var problem = JsonDocument.Parse(body);
                Assert.Equal((int)response.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
            }

            // A good request after every fourth bad one.
            if (i % 4 == 3 && good.TryDequeue(out var next))
            {
                using var response = await next();
                goodAnswers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        }

        while (good.TryDequeue(out var next))
        {
            using var response = await next();
            goodAnswers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        Assert.All(goodAnswers, a => Assert.True(a.Item1 is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{(int)a.Item1}: {a.Item2}"));
        var runs = goodAnswers.Where(a => a.Item1 == HttpStatusCode.Accepted)
            .Select(a => JsonDocument.Parse(a.Item2).RootElement.GetProperty("syncId").GetGuid()).ToList();
        Assert.Equal(GoodAccounts.Length, runs.Count);
        for (var i = 0; i < runs.Count; i++)
        {
            await RunChecks.AssertCompletedExactlyAsync(system, GoodAccounts[i], runs[i]);
        }

        Assert.Equal("[]", await http.GetStringAsync("api/webhooks"));
        var published = await Broker.TakeAllAsync(system.VirtualHost, spy);
        Assert.Equal(GoodAccounts.Order(), published.Select(m => m.GetProperty("message").GetProperty("accountId").GetString()!).Order());
    }

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    static HttpRequestMessage WithKey(HttpRequestMessage request, string header, params string[] values)
    {
        request.Headers.TryAddWithoutValidation(header, values);
        return request;
    }

    static IEnumerable<(string Name, Func<Task<HttpResponseMessage>> Send)> Bad(HttpClient http)
    {
        (string, Func<Task<HttpResponseMessage>>) Post(string name, string body, string type = "application/json") =>
            (name, () => http.PostAsync(Sync, new StringContent(body, Encoding.UTF8, type)));
        (string, Func<Task<HttpResponseMessage>>) Get(string path) => ("GET " + path, () => http.GetAsync(path));

        yield return Post("not JSON", "accountId=act_1");
        yield return Post("truncated JSON", """{"accountId": "act_1""");
        yield return Post("an array", "[]");
        yield return Post("JSON null", "null");
        yield return Post("a number for accountId", """{"accountId": 697495618573979}""");
        yield return Post("SQL in accountId", """{"accountId": "act_1'; DROP TABLE ads; --"}""");
        yield return Post("a too long account id", """{"accountId": "act_123456789012345678901234567890"}""");
        yield return Post("a NUL in accountId", "{\"accountId\": \"act_12\\u00003\"}");
        yield return Post("a preset Meta does not have", $$"""{"accountId": "{{Suite.TwoEzi}}", "datePreset": "last_7_years"}""");
        yield return Post("an unknown field", $$"""{"accountId": "{{Suite.TwoEzi}}", "isAdmin": true}""");
        yield return Post("a field twice", $$"""{"accountId": "{{Suite.TwoEzi}}", "accountId": "act_1"}""");
        yield return Post("force as a string", $$"""{"accountId": "{{Suite.TwoEzi}}", "force": "yes"}""");
        yield return Post("datePreset as an object", "{\"accountId\": \"" + Suite.TwoEzi + "\", \"datePreset\": {\"$gt\": \"\"}}");
        yield return Post("JSON nested 10,000 deep", new string('[', 10_000) + new string(']', 10_000));
        yield return Post("a 17 KiB body", $$"""{"accountId": "{{Suite.TwoEzi}}", "pad": "{{new string('x', 17 * 1024)}}"}""");
        yield return ("a 1 MiB chunked body", () =>
        {
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"accountId\":\"" + new string('9', 1024 * 1024) + "\"}")));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, Sync) { Content = content };
            request.Headers.TransferEncodingChunked = true;
            return http.SendAsync(request);
        });
        yield return Post("JSON sent as text/plain", $$"""{"accountId": "{{Suite.TwoEzi}}"}""", "text/plain");
        yield return ("invalid UTF-8", () =>
        {
            var content = new ByteArrayContent([.. "{\"accountId\": \"act_1"u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return http.PostAsync(Sync, content);
        });
        yield return Post("an account not in the token's list", """{"accountId": "act_999999999999"}""");
        yield return ("PUT on the sync endpoint", () => http.PutAsync(Sync, Json("{}")));
        yield return ("the cron sweep without its secret", () => http.PostAsync("api/cron/sync-stale-accounts", null));
        yield return Get("api/syncs/not-a-uuid");
        yield return Get($"api/syncs/{Guid.NewGuid()}");
        yield return Get("api/syncs?limit=-5");
        yield return Get("api/syncs?limit=99999999999999999999999");
        yield return Get("api/syncs?state=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        yield return Get("api/syncs?accountId=act_1%27%20OR%201%3D1--");
        yield return Get("api/accounts/act_1'--/ads");
        yield return Get($"api/accounts/{Suite.TwoEzi}/ads?after=%00%FF%FE");
        yield return Get($"api/accounts/{Suite.TwoEzi}/ads?limit=abc");
        yield return Get($"api/accounts/{Suite.TwoEzi}/ads?datePreset=forever");
        yield return Get($"api/accounts/{Suite.TwoEzi}/ads?status=EVERYTHING");
        yield return Get("api/accounts/act_404/campaigns");
        yield return Get($"api/accounts/{Suite.TwoEzi}/passwords");
        yield return Get("api/" + string.Concat(Enumerable.Repeat("../", 50)) + "etc/passwd");
        (string, Func<Task<HttpResponseMessage>>) Keyed(string name, string header, params string[] values) =>
            (name, () => http.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Post, Sync) { Content = Json("{\"accountId\":\"all\"}") }, header, values)));
        yield return Keyed("a wrong API key", "X-Api-Key", "not-the-suite-key-0123456789");
        yield return Keyed("the API key's SHA-256 instead of the key", "X-Api-Key", Sha256Hex(Suite.ApiKey));
        yield return Keyed("an 8 KiB API key", "X-Api-Key", new string('k', 8 * 1024));
        yield return Keyed("two API keys", "X-Api-Key", Suite.ApiKey, "not-the-suite-key-0123456789");
        yield return Keyed("a wrong bearer token", "Authorization", "Bearer " + Suite.ApiKey + "x");
        yield return Keyed("two bearer tokens", "Authorization", "Bearer " + Suite.ApiKey, "Bearer " + Suite.ApiKey);

        yield return Get("api/syncs/not-a-uuid/events");
        yield return Get($"api/syncs/{Guid.NewGuid()}/events");
        yield return ("an event stream resumed after a script", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"api/syncs/{Guid.NewGuid()}/events");
            request.Headers.TryAddWithoutValidation("Last-Event-ID", "<script>alert(1)</script>");
            return http.SendAsync(request);
        });
        (string, Func<Task<HttpResponseMessage>>) Hook(string name, string body) => (name, () => http.PostAsync("api/webhooks", Json(body)));
        yield return Hook("a webhook to loopback", """{"url":"http://127.0.0.1:5432/","secret":"0123456789abcdef0","events":["sync.completed"]}""");
        yield return Hook("a webhook to the metadata service", """{"url":"http://169.254.169.254/latest/meta-data/","secret":"0123456789abcdef0","events":["sync.completed"]}""");
        yield return Hook("a webhook with credentials", """{"url":"https://admin:pw@example.com/","secret":"0123456789abcdef0","events":["sync.completed"]}""");
        yield return Hook("a webhook to a file", """{"url":"file:///etc/passwd","secret":"0123456789abcdef0","events":["sync.completed"]}""");
        yield return Hook("a webhook with a short secret", """{"url":"http://93.184.215.14/","secret":"x","events":["sync.completed"]}""");
        yield return Hook("a webhook for an unknown event", """{"url":"http://93.184.215.14/","secret":"0123456789abcdef0","events":["*"]}""");
        yield return Hook("a webhook nested 10,000 deep", new string('[', 10_000) + new string(']', 10_000));
        yield return ("DELETE a webhook by SQL", () => http.DeleteAsync("api/webhooks/1%27%20OR%201%3D1--"));
        yield return Get($"api/webhooks/{Guid.NewGuid()}/deliveries");
    }
}
