using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace MetaAdsSync.TestSupport;

/// <summary>RabbitMQ's management API, for tests that lose messages on purpose.</summary>
public static class Broker
{
    static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Binds a queue of the test's own to the exchange MassTransit publishes <typeparamref name="T"/> to (declaring the
    /// exchange as MassTransit does, should no host have yet), so the test sees every such message published.
    /// </summary>
    public static async Task<string> SpyOnAsync<T>(string virtualHost)
    {
        using var http = Management();
        var vhost = Uri.EscapeDataString(virtualHost);
        var exchange = Uri.EscapeDataString(typeof(T).Namespace + ":" + typeof(T).Name);
        var queue = "spy-" + typeof(T).Name.ToLowerInvariant();
        (await http.PutAsync($"api/exchanges/{vhost}/{exchange}", Json(new { type = "fanout", durable = true }))).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/queues/{vhost}/{queue}", Json(new { durable = true }))).EnsureSuccessStatusCode();
        (await http.PostAsync($"api/bindings/{vhost}/e/{exchange}/q/{queue}", Json(new { routing_key = "" }))).EnsureSuccessStatusCode();
        return queue;
    }

    /// <summary>Publishes <paramref name="message"/> as MassTransit would (its JSON envelope on the type's exchange), as another host's event.</summary>
    public static async Task PublishAsync<T>(string virtualHost, T message)
    {
        using var http = Management();
        var exchange = Uri.EscapeDataString(typeof(T).Namespace + ":" + typeof(T).Name);
        var envelope = JsonSerializer.Serialize(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { $"urn:message:{typeof(T).Namespace}:{typeof(T).Name}" },
            message,
            sentTime = DateTimeOffset.UtcNow,
        }, WebJson);
        using var response = await http.PostAsync($"api/exchanges/{Uri.EscapeDataString(virtualHost)}/{exchange}/publish", Json(new
        {
            properties = new { content_type = "application/vnd.masstransit+json", delivery_mode = 2 },
            routing_key = "",
            payload = envelope,
            payload_encoding = "string",
        }));
        response.EnsureSuccessStatusCode();
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("routed").GetBoolean(), $"no queue is bound to {typeof(T).Name}");
    }

    /// <summary>Takes every message waiting in the queue; returns their bodies (MassTransit's JSON envelopes).</summary>
    public static async Task<List<JsonElement>> TakeAllAsync(string virtualHost, string queue)
    {
        using var http = Management();
        using var response = await http.PostAsync($"api/queues/{Uri.EscapeDataString(virtualHost)}/{queue}/get",
            Json(new { count = 10_000, ackmode = "ack_requeue_false", encoding = "auto" }));
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        return messages.EnumerateArray().Select(m => JsonDocument.Parse(m.GetProperty("payload").GetString()!).RootElement).ToList();
    }

    /// <summary>Waits until the queue holds at least <paramref name="expectAtLeast"/> messages, then empties it.</summary>
    public static async Task PurgeQueueAsync(string virtualHost, string queue, int expectAtLeast)
    {
        using var http = Management();
        var path = $"api/queues/{Uri.EscapeDataString(virtualHost)}/{queue}";
        await Eventually.TrueAsync(async () =>
        {
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode
                && (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("messages", out var messages)
                && messages.GetInt32() >= expectAtLeast;
        }, $"queue {queue} holding {expectAtLeast} message(s)", TimeSpan.FromSeconds(20), pause: TimeSpan.FromMilliseconds(200));
        (await http.DeleteAsync(path + "/contents")).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Waits until none of <paramref name="queues"/> holds a message, ready or delivered and not yet acknowledged, for a
    /// whole <paramref name="quietFor"/>: what a killed host left unacknowledged has been redelivered and finished. The
    /// management API's counts are sampled (<c>collect_statistics_interval</c>, 1 s in scripts/services.sh), so one
    /// zero proves nothing; a window longer than the sampling does.
    /// </summary>
    public static async Task WaitForQueuesIdleAsync(string virtualHost, TimeSpan quietFor, TimeSpan timeout, params string[] queues)
    {
        using var http = Management();
        var vhost = Uri.EscapeDataString(virtualHost);
        var quietSince = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var queue in queues)
            {
                using var response = await http.GetAsync($"api/queues/{vhost}/{queue}");
                response.EnsureSuccessStatusCode();
                var counts = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (!counts.TryGetProperty("messages", out var messages) || messages.GetInt32() > 0)
                {
                    quietSince = DateTimeOffset.UtcNow;
                    return false;
                }
            }

            return DateTimeOffset.UtcNow - quietSince >= quietFor;
        }, $"queues {string.Join(", ", queues)} idle for {quietFor.TotalSeconds:F1} s", timeout, pause: TimeSpan.FromMilliseconds(250));
    }

    static HttpClient Management()
    {
        var port = ServiceMode.LocalPort("METAADSSYNC_RABBIT_MGMT_PORT", 45674);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return http;
    }

    static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
