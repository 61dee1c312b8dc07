using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Every <c>every</c>, SIGKILLs one running fetcher (an EntityFetcher and an InsightFetcher in turn) and starts a
/// replacement with the same settings, until stopped: the faults-at-scale run. The victim is the longest-running fetcher
/// of its kind, never a replacement still starting: on a loaded machine a host can take longer to start than the
/// interval (readiness waits for its warm-ups and its JIT to settle), and killing fetchers before they work would
/// leave none working. The kills keep their pace all the same (waiting for each replacement to be ready made them
/// one every 30-45 s in a run told 15 s); a tick that finds no ready fetcher of its kind passes.
/// </summary>
sealed class FetcherKiller
{
    static readonly string[] Fetchers = ["EntityFetcher", "InsightFetcher"];
    readonly OurSystem _system;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    readonly Dictionary<HostProcess, Task> _starting = [];
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

    /// <summary>
    /// Waits for the replacements still starting; one that never became ready fails the run here, not unseen. After the
    /// measurement: a replacement started at the last tick would otherwise add its start to the measured CPU.
    /// </summary>
    public Task ReplacementsReadyAsync() => Task.WhenAll(_starting.Values);

    async Task LoopAsync(TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stop))
        {
            var project = Fetchers[_kills % Fetchers.Length];
            if (_system.Hosts.FirstOrDefault(h => h.Project == project && !h.HasExited && IsReady(h)) is not { } victim)
            {
                continue;
            }

            victim.Kill();
            var replacement = _system.StartHost(project);
            _starting[replacement] = replacement.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
            _kills++;
            Console.WriteLine($"killed {project} (pid {victim.ProcessId}) and started a replacement; {_kills} kill(s) so far");
        }
    }

    /// <summary>Hosts the bench started ready; a replacement once its readiness was seen.</summary>
    bool IsReady(HostProcess host) => !_starting.TryGetValue(host, out var ready) || ready.IsCompletedSuccessfully;
}
