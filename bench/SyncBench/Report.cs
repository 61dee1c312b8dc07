using System.Diagnostics;
using System.Globalization;
using System.Text;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// One scenario's markdown: a header with date, machine and commit, tables, and goal lines; printed and written to
/// <c>bench/results/&lt;scenario&gt;.md</c>.
/// </summary>
sealed class Report(string scenario, string command)
{
    readonly StringBuilder _body = new();

    public void Line(string text = "") => _body.AppendLine(text);

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.AppendLine("| " + string.Join(" | ", header) + " |");
        _body.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            _body.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        _body.AppendLine();
    }

    public void Goal(string what, bool met, string measured) =>
        _body.AppendLine($"- Goal {what}: **{(met ? "met" : "missed")}** ({measured})");

    public async Task WriteAsync()
    {
        var text = new StringBuilder()
            .AppendLine($"# Benchmark: {scenario}")
            .AppendLine()
            .AppendLine($"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC")
            .AppendLine($"- Machine: {Environment.ProcessorCount} cores, {Machine.MemoryGiB():F0} GiB, load average at the end {Machine.LoadAverage()}")
            .AppendLine($"- Commit: {await Machine.CommitAsync()}")
            .AppendLine($"- Command: `{command}`")
            .AppendLine()
            .Append(_body)
            .ToString();
        Console.WriteLine(text);
        var path = Path.Combine(RepoPaths.Root, "bench", "results", scenario + ".md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text);
        Console.WriteLine($"written to {Path.GetRelativePath(RepoPaths.Root, path)}");
    }
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

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

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
