using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>RabbitMQ's management API, for tests that lose messages on purpose.</summary>
public static class Broker
{
    /// <summary>Waits until the queue holds at least <paramref name="expectAtLeast"/> messages, then empties it.</summary>
    public static async Task PurgeQueueAsync(string virtualHost, string queue, int expectAtLeast)
    {
        var port = ServiceMode.LocalPort("METAADSSYNC_RABBIT_MGMT_PORT", 45674);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        var path = $"api/queues/{Uri.EscapeDataString(virtualHost)}/{queue}";
        for (var i = 0; i < 100; i++)
        {
            using var response = await http.GetAsync(path);
            if (response.IsSuccessStatusCode)
            {
                var info = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (info.TryGetProperty("messages", out var messages) && messages.GetInt32() >= expectAtLeast)
                {
                    (await http.DeleteAsync(path + "/contents")).EnsureSuccessStatusCode();
                    return;
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"queue {queue} never held {expectAtLeast} message(s)");
    }
}
