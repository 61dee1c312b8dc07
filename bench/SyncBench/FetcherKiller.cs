using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Every <c>every</c>, SIGKILLs one running fetcher (an EntityFetcher and an InsightFetcher in turn) and starts a
/// replacement with the same settings, until stopped: the faults-at-scale run. The next kill waits until the replacement
/// is ready: on a loaded machine a host can take longer to start than the interval, and killing fetchers faster than
/// they start leaves none working.
/// </summary>
sealed class FetcherKiller
{
    static readonly string[] Fetchers = ["EntityFetcher", "InsightFetcher"];
    readonly OurSystem _system;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    int _kills;

    public FetcherKiller(OurSystem system, TimeSpan every)
    {
        _system = system;
        _loop = Task.Run(() => LoopAsync(every, _stop.Token));
    }

    /// <summary>Stops killing; returns how many fetchers were killed.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped between kills.
        }

        _stop.Dispose();
        return _kills;
    }

    async Task LoopAsync(TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stop))
        {
            var project = Fetchers[_kills % Fetchers.Length];
            if (_system.Hosts.FirstOrDefault(h => h.Project == project && !h.HasExited) is not { } victim)
            {
                continue;
            }

            victim.Kill();
            var replacement = _system.StartHost(project);
            _kills++;
            Console.WriteLine($"killed {project} (pid {victim.ProcessId}) and started a replacement; {_kills} kill(s) so far");
            await replacement.WaitUntilReadyAsync(TimeSpan.FromMinutes(3)).WaitAsync(stop);
        }
    }
}
