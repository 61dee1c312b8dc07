using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>Quotas are per API key and live in PostgreSQL: two keys from one address, two Gateways on one key.</summary>
[Collection(GatewayCollection.Name)]
public class When_a_key_reaches_its_quota(GatewayFixture gateway)
{
    /// <summary>Not named by any other test here, so no other test's run of it is running.</summary>
    const string Untouched = "act_756610284419937";

    [Fact]
    public async Task Should_give_each_key_from_one_address_its_own_quota_of_sync_requests()
    {
        var (a, b) = (NewKey(), NewKey());
        await using var limited = gateway.CreateFactory(Settings(perMinute: 2, a, b));
        using var clientA = GatewayFixture.Client(limited, a.Secret);
        using var clientB = GatewayFixture.Client(limited, b.Secret);
        await AwayFromTheEndOfAMinuteAsync();

        foreach (var client in new[] { clientA, clientB })
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
            }

            using var third = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" });
            await When_a_request_is_bad.AssertProblem(third, 429);
            Assert.InRange(third.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        }
    }

    [Fact]
    public async Task Should_hold_a_keys_quota_across_two_gateways()
    {
        var key = NewKey();
        await using var first = gateway.CreateFactory(Settings(perMinute: 2, key));
        await using var second = gateway.CreateFactory(Settings(perMinute: 2, key));
        using var one = GatewayFixture.Client(first, key.Secret);
        using var other = GatewayFixture.Client(second, key.Secret);
        await AwayFromTheEndOfAMinuteAsync();

        Assert.Equal(HttpStatusCode.OK, (await one.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" })).StatusCode);

        await When_a_request_is_bad.AssertProblem(await one.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" }), 429);
        await When_a_request_is_bad.AssertProblem(await other.PostAsJsonAsync("api/meta-ads/sync", new { accountId = "all" }), 429);
    }

    [Fact]
    public async Task Should_refuse_a_sync_beyond_the_keys_running_syncs_and_publish_nothing()
    {
        var key = NewKey();
        var settings = Settings(perMinute: 100, key);
        settings["Gateway__MaxRunningSyncsPerKey"] = "1";
        await using var capped = gateway.CreateFactory(settings);
        using var client = GatewayFixture.Client(capped, key.Secret);
        var running = await StartRunAsync("act_91" + Random.Shared.Next(100_000, 999_999), key.Id);
        var before = gateway.PublishedSyncRequests;
        try
        {
            using var refused = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Untouched });

            var problem = await When_a_request_is_bad.AssertProblem(refused, 429);
            Assert.Contains("Gateway:MaxRunningSyncsPerKey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            Assert.Equal(before, gateway.PublishedSyncRequests);
        }
        finally
        {
            await using var db = StorageRegistration.CreateContext(gateway.Postgres);
            await db.AccountSyncs.Where(s => s.CorrelationId == running).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task Should_record_which_key_started_a_run()
    {
        using var client = GatewayFixture.Client(gateway.Factory, GatewayFixture.SecondKey);
        using var api = gateway.Client();
        Assert.Empty((await api.GetFromJsonAsync<JsonElement>($"api/syncs?accountId={Untouched}&state=Running")).EnumerateArray());

        using var response = await client.PostAsJsonAsync("api/meta-ads/sync", new { accountId = Untouched });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var syncId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("syncId").GetGuid();
        await using var db = StorageRegistration.CreateContext(gateway.Postgres);
        Assert.Equal("second", await db.AccountSyncs.Where(s => s.RunId == syncId).Select(s => s.RequestedBy).SingleAsync());
    }

    sealed record TestKey(string Id, string Secret);

    static TestKey NewKey()
    {
        var id = "quota-" + Guid.NewGuid().ToString("N")[..12];
        return new TestKey(id, id + "-secret-0123456789");
    }

    /// <summary>The fixture's settings with these keys added after its own, and this many sync requests a minute.</summary>
    Dictionary<string, string> Settings(int perMinute, params TestKey[] keys)
    {
        var extra = new Dictionary<string, string> { ["Gateway__SyncRequestsPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        for (var i = 0; i < keys.Length; i++)
        {
            extra[$"Gateway__ApiKeys__{10 + i}__Id"] = keys[i].Id;
            extra[$"Gateway__ApiKeys__{10 + i}__Key"] = keys[i].Secret;
        }

        return gateway.Settings(extra);
    }

    /// <summary>A run of <paramref name="accountId"/> in flight, started by the key: what the saga records when one starts.</summary>
    async Task<Guid> StartRunAsync(string accountId, string keyId)
    {
        await using var db = StorageRegistration.CreateContext(gateway.Postgres);
        var state = new AccountSyncState
        {
            CorrelationId = AccountCorrelation.For(accountId),
            CurrentState = "FetchingEntities",
            AccountId = accountId,
            RunId = Guid.NewGuid(),
            DatePreset = "last_7d",
            Trigger = "Manual",
            RequestedBy = keyId,
            StartedAt = DateTimeOffset.UtcNow,
            LastProgressAt = DateTimeOffset.UtcNow,
        };
        db.AccountSyncs.Add(state);
        await db.SaveChangesAsync();
        return state.CorrelationId;
    }

    /// <summary>The quota's windows are the database clock's minutes: a test of one starts early enough in a minute to end in it.</summary>
    async Task AwayFromTheEndOfAMinuteAsync()
    {
        await using var connection = new NpgsqlConnection(gateway.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT extract(epoch FROM date_trunc('minute', now()) + interval '1 minute' - now())::float8", connection);
        var secondsLeft = (double)(await command.ExecuteScalarAsync())!;
        if (secondsLeft < 20)
        {
            await Task.Delay(TimeSpan.FromSeconds(secondsLeft + 0.5));
        }
    }
}
