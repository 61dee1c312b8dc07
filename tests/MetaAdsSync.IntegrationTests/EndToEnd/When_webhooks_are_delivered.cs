using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>Signed webhooks from the real hosts to a receiver on 127.0.0.1 (private targets allowed, as only tests do).</summary>
public class When_webhooks_are_delivered
{
    const string TwoEzi = "act_697495618573979";
    const string Secret = "whsec-test-0123456789abcdef";
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    static readonly Dictionary<string, string> Settings = new()
    {
        ["Gateway__WebhookAllowPrivateTargets"] = "true",
        ["Gateway__WebhookRetryBaseDelay"] = "00:00:00.300",
        ["Gateway__WebhookPollInterval"] = "00:00:00.100",
        ["Gateway__WebhookTimeout"] = "00:00:03",
    };

    [Fact]
    public async Task Should_sign_a_runs_outcome_and_send_it_again_until_a_receiver_answering_500_twice_takes_the_third()
    {
        await using var receiver = WebhookReceiver.Start(answers: [500, 500]);
        await using var system = await SyncSystem.StartAsync(settings: Settings);
        var hook = await RegisterAsync(system.Api, receiver.Url, [WebhookEvents.SyncCompleted, WebhookEvents.SyncPartial]);

        var syncId = (await system.RequestSync(TwoEzi)).GetProperty("syncId").GetGuid();
        await system.WaitForEnd(syncId, Patience);
        var requests = await receiver.WaitForSuccessAsync(Patience);

        Assert.Equal([500, 500, 200], requests.Select(r => r.Answered));
        Assert.Single(requests.Select(r => r.Headers["X-MetaAdsSync-Delivery"]).Distinct());
        Assert.All(requests, r => Assert.Equal(syncId.ToString(), r.Headers["Idempotency-Key"]));
        var delivered = requests[^1];
        Assert.True(Verify(Secret, delivered.Headers["X-MetaAdsSync-Signature"], delivered.Body, DateTimeOffset.UtcNow));
        Assert.False(Verify(Secret + "x", delivered.Headers["X-MetaAdsSync-Signature"], delivered.Body, DateTimeOffset.UtcNow));
        Assert.False(Verify(Secret, delivered.Headers["X-MetaAdsSync-Signature"], delivered.Body, DateTimeOffset.UtcNow.AddMinutes(6)));
        var body = JsonDocument.Parse(delivered.Body).RootElement;
        Assert.Equal("sync.completed", body.GetProperty("event").GetString());
        Assert.Equal(syncId, body.GetProperty("data").GetProperty("syncId").GetGuid());
        Assert.Equal(798, body.GetProperty("data").GetProperty("entities").GetProperty("ads").GetInt32());

        var log = await LogAsync(system.Api, hook, d => d.GetProperty("status").GetString() == "Delivered");
        Assert.Equal(3, log.GetProperty("attempts").GetInt32());
        Assert.Equal(200, log.GetProperty("lastStatusCode").GetInt32());
        var listed = await system.Api.GetStringAsync("api/webhooks");
        Assert.DoesNotContain(Secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Should_send_an_account_event_still_pending_when_the_gateway_was_killed_after_its_restart()
    {
        var port = HostProcess.FreePort();
        await using var system = await SyncSystem.StartAsync(settings: Settings);
        var hook = await RegisterAsync(system.Api, $"http://127.0.0.1:{port}/hooks/metaadssync", [WebhookEvents.AccessLost, WebhookEvents.AccessRestored]);

        // Nothing listens yet: the first attempt fails and the delivery waits for its next one.
        await Broker.PublishAsync(system.VirtualHost, new AccountAccessLost(TwoEzi, DateTimeOffset.UtcNow, "190: the token expired"));
        await LogAsync(system.Api, hook, d => d.GetProperty("attempts").GetInt32() >= 1 && d.GetProperty("status").GetString() == "Pending");
        system.Gateway.Kill();
        await using var receiver = WebhookReceiver.Start(port);
        var restarted = system.StartHost("Gateway");
        await restarted.WaitUntilReadyAsync(Patience);

        var requests = await receiver.WaitForSuccessAsync(Patience);
        var delivered = requests.First(r => r.Answered == 200);
        Assert.True(Verify(Secret, delivered.Headers["X-MetaAdsSync-Signature"], delivered.Body, DateTimeOffset.UtcNow));
        var body = JsonDocument.Parse(delivered.Body).RootElement;
        Assert.Equal("account.access_lost", body.GetProperty("event").GetString());
        Assert.Equal(TwoEzi, body.GetProperty("accountId").GetString());
        Assert.Equal("190: the token expired", body.GetProperty("data").GetProperty("reason").GetString());
    }

    static async Task<Guid> RegisterAsync(HttpClient api, string url, string[] events)
    {
        using var response = await api.PostAsJsonAsync("api/webhooks", new { url, secret = Secret, events });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Waits until the webhook's newest delivery satisfies <paramref name="until"/>.</summary>
    static async Task<JsonElement> LogAsync(HttpClient api, Guid hook, Func<JsonElement, bool> until)
    {
        using var cancel = new CancellationTokenSource(Patience);
        while (true)
        {
            var log = await api.GetFromJsonAsync<JsonElement>($"api/webhooks/{hook}/deliveries", cancel.Token);
            if (log.GetArrayLength() > 0 && until(log[0]))
            {
                return log[0];
            }

            await Task.Delay(100, cancel.Token);
        }
    }

    /// <summary>What a receiver does (the README's example): HMAC-SHA256 over "t.body", compared in constant time, t within 5 minutes.</summary>
    static bool Verify(string secret, string header, string body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        if (Math.Abs(now.ToUnixTimeSeconds() - t) > 300)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{body}"));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"]));
    }
}
