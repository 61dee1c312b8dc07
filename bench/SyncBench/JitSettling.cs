namespace MetaAdsSync.SyncBench;

/// <summary>
/// Syncs, untimed, until the processes doing them have stopped recompiling: a young .NET process keeps JIT-compiling for
/// dozens of syncs (tiered compilation recompiles a method once it has been called 30 times, so code a sync calls once
/// is recompiled around the 30th sync), and that background JIT competes for the same two cores as the sync being timed.
/// Measured on 2EZi at 0 ms per call with fresh hosts (2 of each fetcher, load 31–48): the median of 12 syncs went 606,
/// 306, 252, 258, 229, 177 ms over the first ~80 syncs while the hosts compiled ~130, then ~40 methods per 12 syncs, and
/// CPU per sync over every process fell from 1.6 s to 0.2 s. A "warm median" measured after three syncs measured that.
/// </summary>
static class JitSettling
{
    /// <summary>
    /// Runs <paramref name="sync"/> until two in a row each compiled fewer than <paramref name="quietBelow"/> methods
    /// (<paramref name="compiledMethods"/>: the count so far over every process that matters), at most
    /// <paramref name="max"/> times; returns how many it ran and the methods the last one compiled.
    /// </summary>
    public static async Task<(int Syncs, long LastCompiled)> UntilQuietAsync(Func<Task> sync, Func<Task<long>> compiledMethods, long quietBelow, int max)
    {
        var quiet = 0;
        var last = 0L;
        var syncs = 0;
        while (syncs < max && quiet < 2)
        {
            var before = await compiledMethods();
            await sync();
            syncs++;
            last = await compiledMethods() - before;
            quiet = last < quietBelow ? quiet + 1 : 0;
        }

        return (syncs, last);
    }

    /// <summary>Methods the JIT compiled so far in this process (the seed's algorithm runs here).</summary>
    public static Task<long> InThisProcess() => Task.FromResult(System.Runtime.JitInfo.GetCompiledMethodCount());

    /// <summary>Methods every living host of ours compiled so far, from their /metrics.</summary>
    public static async Task<long> InHosts(OurSystem ours) => (long)(await ours.JitAsync()).Values.Sum(j => j.Methods);
}
