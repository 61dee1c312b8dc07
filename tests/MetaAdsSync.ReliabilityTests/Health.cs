using System.Diagnostics;
using System.Net;

namespace MetaAdsSync.ReliabilityTests;

public static class Health
{
    /// <summary>Waits until every host answers <c>/health/ready</c> with something other than 200: each has noticed the outage.</summary>
    public static async Task WaitUntilAllNotReadyAsync(IEnumerable<HostProcess> hosts)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var waiting = hosts.Where(h => !h.HasExited).ToList();
        var clock = Stopwatch.StartNew();
        while (waiting.Count > 0)
        {
            foreach (var host in waiting.ToList())
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(host.BaseAddress, "health/ready"));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        waiting.Remove(host);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // A host too busy to answer has noticed nothing yet; ask again.
                }
            }

            Assert.True(clock.Elapsed < Suite.ReadyTimeout, $"still ready: {string.Join(", ", waiting.Select(h => h.Project))}");
            await Task.Delay(200);
        }
    }
}
