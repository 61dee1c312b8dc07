using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// One scenario's report, the one model both outputs come from: a header with date, machine and commit, tables, notes
/// and goals. Printed and written as markdown to <c>bench/results/&lt;fileName&gt;.md</c> and as JSON beside it
/// (<c>&lt;fileName&gt;.json</c>; the scenario's name unless a kind of run has a file of its own: each table's rows as objects of its columns' camelCase names, times in seconds and counts
/// as numbers; the goals with <c>met</c>).
/// </summary>
sealed class Report(string scenario, string command, string? fileName = null)
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    readonly StringBuilder _body = new();
    readonly JsonObject _tables = [];
    readonly JsonArray _goals = [];
    readonly JsonArray _notes = [];
    readonly JsonObject _values = [];
    readonly double _probeAtStart = Machine.ProbeCpuMs();

    /// <summary>A paragraph of the markdown; a note of the JSON.</summary>
    public void Line(string text = "")
    {
        _body.AppendLine(text);
        if (text.Length > 0)
        {
            _notes.Add(text);
        }
    }

    /// <summary>A table; <paramref name="name"/> is its key among the JSON's tables.</summary>
    public void Table(string name, IReadOnlyList<Column> columns, IEnumerable<IReadOnlyList<Cell>> rows)
    {
        var objects = new JsonArray();
        _body.AppendLine("| " + string.Join(" | ", columns.Select(c => c.Header)) + " |");
        _body.AppendLine("|" + string.Concat(columns.Select(_ => "---|")));
        foreach (var row in rows)
        {
            _body.AppendLine("| " + string.Join(" | ", row.Select(c => c.Text)) + " |");
            var item = new JsonObject();
            for (var i = 0; i < columns.Count; i++)
            {
                item[columns[i].Name] = row[i].Value?.DeepClone();
            }

            objects.Add(item);
        }

        _body.AppendLine();
        _tables[name] = objects;
    }

    public void Goal(string what, bool met, string measured)
    {
        _body.AppendLine($"- Goal {what}: **{(met ? "met" : "missed")}** ({measured})");
        _goals.Add(new JsonObject { ["goal"] = what, ["met"] = met, ["measured"] = measured });
    }

    /// <summary>A figure of the JSON beside the tables (e.g. the settings a run needs); the markdown says it in a line of its own.</summary>
    public void Value(string name, JsonNode value) => _values[name] = value;

    public async Task WriteAsync()
    {
        var load = Machine.LoadAverage();
        var probeAtEnd = Machine.ProbeCpuMs();
        var commit = await Machine.CommitAsync();
        var date = DateTimeOffset.UtcNow;
        var text = new StringBuilder()
            .AppendLine($"# Benchmark: {scenario}")
            .AppendLine()
            .AppendLine($"- Date: {date:yyyy-MM-dd HH:mm} UTC")
            .AppendLine($"- Machine: {Environment.ProcessorCount} cores, {Machine.MemoryGiB():F0} GiB, load average at the end {Machine.Text(load)}; " +
                $"the fixed CPU probe took {_probeAtStart:F0} ms at the start and {probeAtEnd:F0} ms at the end")
            .AppendLine($"- Commit: {commit}")
            .AppendLine($"- Command: `{command}`")
            .AppendLine()
            .Append(_body)
            .ToString();
        var json = new JsonObject
        {
            ["scenario"] = scenario,
            ["date"] = date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["memoryGiB"] = Math.Round(Machine.MemoryGiB(), 1),
                ["loadAverage"] = Machine.Json(load),
                ["probeCpuMsAtStart"] = Math.Round(_probeAtStart, 1),
                ["probeCpuMsAtEnd"] = Math.Round(probeAtEnd, 1),
            },
            ["commit"] = commit,
            ["command"] = command,
            ["tables"] = _tables,
            ["goals"] = _goals,
            ["notes"] = _notes,
        };
        foreach (var (name, value) in _values)
        {
            json[name] = value?.DeepClone();
        }

        Console.WriteLine(text);
        var path = Path.Combine(RepoPaths.Root, "bench", "results", (fileName ?? scenario) + ".md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".json"), json.ToJsonString(Indented) + "\n");
        Console.WriteLine($"written to {Path.GetRelativePath(RepoPaths.Root, path)} and its .json");
    }
}

/// <summary>A table's column: its markdown header and its camelCase name in the JSON.</summary>
sealed record Column(string Header, string Name)
{
    public static implicit operator Column((string Header, string Name) column) => new(column.Header, column.Name);
}

/// <summary>A table's cell: the text the markdown shows and the value the JSON carries (seconds and counts as numbers).</summary>
sealed record Cell(string Text, JsonNode? Value)
{
    public static implicit operator Cell(string text) => new(text, JsonValue.Create(text));

    public static Cell Seconds(double seconds) => new(Format.Seconds(seconds), Math.Round(seconds, 4));

    public static Cell Count(double count) => new(Format.Number(count), count);

    public static Cell Number(double value, string format) => new(Format.Number(value, format), value);

    public static Cell Ratio(double ratio) => new(Format.Ratio(ratio), Math.Round(ratio, 3));

    /// <summary>No figure: a dash, null in the JSON.</summary>
    public static Cell Missing { get; } = new("—", null);

    /// <summary>Figures by name (CPU seconds by process…): one line of text, an object in the JSON.</summary>
    public static Cell Figures(IReadOnlyDictionary<string, double> figures, string format) => new(
        string.Join(", ", figures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {Format.Number(f.Value, format)}")),
        new JsonObject(figures.OrderByDescending(f => f.Value).Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))));
}

/// <summary>Median, min and max of a measure over the runs.</summary>
sealed record Spread(double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }
}

static class Format
{
    public static string Seconds(double seconds) => seconds < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:F0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} s");

    public static string Number(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Ratio(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:F1}×");
}

static class Machine
{
    public static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024d / 1024 / 1024;

    /// <summary>The load average over 1, 5 and 15 minutes; empty where /proc/loadavg is not.</summary>
    public static double[] LoadAverage() =>
        File.Exists("/proc/loadavg")
            ? File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()
            : [];

    /// <summary>
    /// The CPU time, in ms, of one fixed piece of work on a thread of its own (xorshift steps over a 4 MB array). This
    /// machine is a VM whose speed swings with its neighbours, unseen in its own load average or steal time: one fixed
    /// loop took from 0.39 to 0.76 s of CPU minutes apart, our processes idle. Every figure of CPU per entity or per event
    /// moves with it, so the report gives it at the start and the end (~280-300 ms here when quiet). Reads the thread's own time on the CPU from /proc (nanoseconds);
    /// NaN where there is none.
    /// </summary>
    public static double ProbeCpuMs()
    {
        const string Schedstat = "/proc/thread-self/schedstat";
        if (!File.Exists(Schedstat))
        {
            return double.NaN;
        }

        var cpuMs = double.NaN;
        var thread = new Thread(() =>
        {
            var started = OnCpuNanoseconds();
            Work();
            cpuMs = (OnCpuNanoseconds() - started) / 1e6;
        });
        thread.Start();
        thread.Join();
        return cpuMs;

        // Compiled optimized at once: tier-0 code and on-stack replacement would make the first probe of a run differ.
        [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
        static void Work()
        {
            var data = new uint[1 << 20];
            uint x = 2463534242;
            for (var i = 0; i < 150_000_000; i++)
            {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                data[x & (data.Length - 1)] += x;
            }
        }

        static long OnCpuNanoseconds() => long.Parse(File.ReadAllText(Schedstat).Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public static string Text(double[] load) => load.Length == 0 ? "n/a" : string.Join(" ", load.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));

    public static JsonNode Json(double[] load) => load.Length == 0
        ? new JsonObject()
        : new JsonObject { ["oneMinute"] = load[0], ["fiveMinutes"] = load[1], ["fifteenMinutes"] = load[2] };

    public static async Task<string> CommitAsync()
    {
        try
        {
            var log = new ProcessStartInfo("git") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[] { "log", "-1", "--format=%h %s" })
            {
                log.ArgumentList.Add(argument);
            }

            var git = Process.Start(log)!;
            var line = (await git.StandardOutput.ReadToEndAsync()).Trim();
            await git.WaitForExitAsync();
            var dirty = Process.Start(new ProcessStartInfo("git", "status --porcelain --untracked-files=no")
            {
                WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            var changes = (await dirty.StandardOutput.ReadToEndAsync()).Trim();
            await dirty.WaitForExitAsync();
            return changes.Length > 0 ? line + " (with uncommitted changes)" : line;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found)";
        }
    }
}
