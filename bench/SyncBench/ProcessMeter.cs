using System.Diagnostics;
using System.Globalization;
using MetaAdsSync.TestSupport;
using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>A process to measure: its name in the report, its id, and whether its children count as its own.</summary>
/// <param name="Tree">PostgreSQL's backends and RabbitMQ's Erlang VM are children of the process started.</param>
/// <param name="Host">One of the system's hosts (or the simulator), whose peak RSS is reported.</param>
sealed record Measuring(string Name, int ProcessId, bool Tree = false, bool Host = false);

/// <summary>
/// What a measured interval cost: CPU seconds by process (instances of one host summed), of which the .NET runtime's
/// background JIT (its tiered-compilation thread, recompiling hot code: a cost of a young process, gone in a long-running
/// one), peaks, its length.
/// </summary>
sealed record Usage(
    double Seconds,
    IReadOnlyDictionary<string, double> CpuSecondsByProcess,
    IReadOnlyDictionary<string, double> JitSecondsByHost,
    long PostgresTransactions,
    int PeakPostgresConnections,
    IReadOnlyDictionary<string, double> PeakRssMbByHost)
{
    public double CpuSeconds => CpuSecondsByProcess.Values.Sum();
}

/// <summary>
/// Samples, from <c>/proc</c>, the CPU time (utime + stime, in clock ticks of <c>getconf CLK_TCK</c>) of every process the
/// system runs over an interval, and meanwhile the peak of PostgreSQL's client connections (<c>pg_stat_activity</c>) and each
/// host's peak RSS (<c>VmHWM</c>). A process's CPU counts from its value at the start (0 for one started later, such as a
/// replacement) to the last value seen, so a killed host keeps what it used. A tree's reaped children are in its
/// cutime + cstime; the living ones are read one by one.
/// </summary>
sealed class ProcessMeter : IAsyncDisposable
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    static readonly Lazy<double> TicksPerSecond = new(ClockTicks);

    readonly Func<IEnumerable<Measuring>> _processes;
    readonly NpgsqlConnection _postgres;
    readonly Dictionary<(string Name, int Pid), (long First, long Last)> _ticks = [];
    readonly Dictionary<(string Name, int Pid), (long First, long Last)> _jitTicks = [];
    readonly Dictionary<string, long> _peakRssKb = [];
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly CancellationTokenSource _stop = new();
    int _peakConnections;
    long _transactionsAtStart;
    Task? _loop;

    ProcessMeter(Func<IEnumerable<Measuring>> processes, NpgsqlConnection postgres)
    {
        _processes = processes;
        _postgres = postgres;
    }

    /// <summary>
    /// Starts measuring now: <paramref name="processes"/> is asked at every sample (hosts come and go); connections are
    /// counted on the server of <paramref name="postgres"/>.
    /// </summary>
    public static async Task<ProcessMeter> StartAsync(Func<IEnumerable<Measuring>> processes, string postgres)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var meter = new ProcessMeter(processes, connection);
        meter._transactionsAtStart = await meter.TransactionsAsync();
        await meter.SampleAsync(first: true);
        meter._loop = Task.Run(meter.LoopAsync);
        return meter;
    }

    /// <summary>Ends the interval with a last sample.</summary>
    public async Task<Usage> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop!;
        await SampleAsync(first: false);
        // The backends report their counts when idle (within a second); the hosts are idle once the runs have ended.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var transactions = await TransactionsAsync() - _transactionsAtStart;
        var cpu = Seconds(_ticks);
        var jit = Seconds(_jitTicks);
        var rss = _peakRssKb.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1024d, 1));
        return new Usage(_clock.Elapsed.TotalSeconds, cpu, jit, transactions, _peakConnections, rss);
    }

    /// <summary>Transactions committed and rolled back in the system's database so far: every statement outside a transaction is one.</summary>
    async Task<long> TransactionsAsync()
    {
        await using var command = new NpgsqlCommand(
            "SELECT pg_stat_clear_snapshot(), xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", _postgres);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetInt64(1) : 0;
    }

    static Dictionary<string, double> Seconds(Dictionary<(string Name, int Pid), (long First, long Last)> ticks) =>
        ticks.GroupBy(t => t.Key.Name).ToDictionary(g => g.Key, g => Math.Round(g.Sum(t => t.Value.Last - t.Value.First) / TicksPerSecond.Value, 2));

    /// <summary>A process's count from its value at the start (0 for one that appeared later) to the last value seen.</summary>
    static void Count(Dictionary<(string Name, int Pid), (long First, long Last)> counts, (string, int) key, long ticks, bool first) =>
        counts[key] = counts.TryGetValue(key, out var seen) ? seen with { Last = ticks } : (first ? ticks : 0, ticks);

    /// <summary>
    /// utime + stime of each of the runtime's tiered-compilation threads of a .NET process (named ".NET Tiered Com…" in
    /// /proc), by thread id: the runtime ends that thread when it is idle and starts another later, so each is counted
    /// from when it was first seen (a process-wide sum would fall when one ends).
    /// </summary>
    static List<(int Tid, long Ticks)> JitTicks(int pid) =>
        BackgroundJitThreads.Of(pid).Select(t => (t.Tid, Field(t.Stat, 14 - 3) + Field(t.Stat, 15 - 3))).ToList();

    /// <summary>
    /// Waits until the processes together use less than <paramref name="cores"/> of a core over a second (the hosts'
    /// background JIT has finished tiering up what the warm-up ran, the broker and the database have settled), or until
    /// <paramref name="timeout"/>; returns how long it waited.
    /// </summary>
    public static async Task<TimeSpan> QuietAsync(Func<IEnumerable<Measuring>> processes, double cores, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var before = TotalTicks(processes());
        while (clock.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = TotalTicks(processes());
            if ((now - before) / TicksPerSecond.Value < cores)
            {
                break;
            }

            before = now;
        }

        return clock.Elapsed;
    }

    static long TotalTicks(IEnumerable<Measuring> processes)
    {
        var list = processes.ToList();
        var children = list.Any(p => p.Tree) ? Children() : Array.Empty<int>().ToLookup(pid => pid);
        return list.Sum(p => Ticks(p.ProcessId, p.Tree, children) ?? 0);
    }

    async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await SampleAsync(first: false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    async Task SampleAsync(bool first)
    {
        var processes = _processes().ToList();
        var children = processes.Any(p => p.Tree) ? Children() : Array.Empty<int>().ToLookup(pid => pid);
        foreach (var process in processes)
        {
            if (Ticks(process.ProcessId, process.Tree, children) is not { } ticks)
            {
                continue;
            }

            var key = (process.Name, process.ProcessId);
            Count(_ticks, key, ticks, first);
            if (process.Host && PeakRssKb(process.ProcessId) is { } rss)
            {
                _peakRssKb[process.Name] = Math.Max(rss, _peakRssKb.GetValueOrDefault(process.Name));
            }

            if (process.Host)
            {
                foreach (var (tid, jit) in JitTicks(process.ProcessId))
                {
                    Count(_jitTicks, (process.Name, tid), jit, first);
                }
            }
        }

        try
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'", _postgres);
            _peakConnections = Math.Max(_peakConnections, (int)(long)(await count.ExecuteScalarAsync())!);
        }
        catch (NpgsqlException)
        {
            // A sample missed; the next one counts.
        }
    }

    /// <summary>utime + stime of the process, and with <paramref name="tree"/> cutime + cstime and its living descendants'; null once it is gone.</summary>
    static long? Ticks(int pid, bool tree, ILookup<int, int> children)
    {
        if (Stat(pid) is not { } fields)
        {
            return null;
        }

        // Fields after the command's closing parenthesis: state is 0, utime 11, stime 12, cutime 13, cstime 14.
        var own = Field(fields, 11) + Field(fields, 12);
        return tree ? own + Field(fields, 13) + Field(fields, 14) + children[pid].Sum(c => Ticks(c, tree: true, children) ?? 0) : own;
    }

    static ILookup<int, int> Children()
    {
        var pairs = new List<(int Parent, int Child)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } fields)
            {
                pairs.Add(((int)Field(fields, 1), pid));
            }
        }

        return pairs.ToLookup(p => p.Parent, p => p.Child);
    }

    static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static long Field(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);

    static long? PeakRssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static double ClockTicks()
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = getconf.StandardOutput.ReadToEnd().Trim();
        getconf.WaitForExit();
        return double.Parse(text, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        await _postgres.DisposeAsync();
    }
}
