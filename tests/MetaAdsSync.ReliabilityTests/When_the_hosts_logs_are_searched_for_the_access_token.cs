using Xunit.Abstractions;

namespace MetaAdsSync.ReliabilityTests;

/// <summary>
/// Scenario 9, run last (see <see cref="SuiteOrder"/>): every log file a host of the suite wrote — kills, restarts,
/// faults, hostile clients, Graph calls logged at Trace — is searched for the suite's access token. It appears nowhere.
/// The scenario runs one more sync of its own first, with Meta refusing calls, so the search never runs on nothing.
/// </summary>
public sealed class When_the_hosts_logs_are_searched_for_the_access_token(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_find_it_in_no_log_line()
    {
        await using (var system = await Suite.StartSystemAsync(s =>
        {
            s.TransientErrorRate = 0.3;
            s.AccountsWithoutPermission = ["act_756610284419937"];
        }))
        {
            var completed = Suite.SyncId(await system.RequestSync(Suite.TwoEzi));
            var refused = Suite.SyncId(await system.RequestSync("act_756610284419937"));
            await RunChecks.AssertCompletedExactlyAsync(system, Suite.TwoEzi, completed);
            Assert.Equal("Failed", RunChecks.Status(await system.WaitForEnd(refused, Suite.RunTimeout)));
        }

        var logs = HostProcess.LogsWritten;
        var bytes = 0L;
        var leaks = new List<string>();
        foreach (var log in logs)
        {
            var lineNumber = 0;
            foreach (var line in await File.ReadAllLinesAsync(log))
            {
                lineNumber++;
                bytes += line.Length + 1;
                if (line.Contains(Suite.AccessToken, StringComparison.Ordinal) || line.Contains(Suite.ApiKey, StringComparison.Ordinal))
                {
                    leaks.Add($"{Path.GetFileName(log)}:{lineNumber}: {line}");
                }
            }
        }

        output.WriteLine($"searched {logs.Count} log file(s), {bytes / 1024} KiB");
        Assert.True(logs.Count >= 4, "the hosts wrote no logs");
        Assert.Empty(leaks);
    }
}
