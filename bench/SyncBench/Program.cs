// The distributed sync side by side with the seed's algorithm, on the same simulator, in the same run.
//
//   dotnet run -c Release --project bench/SyncBench -- <scenario> [--runs N] [--restarts N] [--seconds S] [--daily-days N] [--settle N]
//
//   2ezi          2EZi at 500 ms per call (goals: ours ≤ 1.2 s and ≤ 10 Graph calls with its shape known; its first
//                 sync on an empty database ≤ 2.4 s; the first after a restart of every host ≤ 1.5× the warm median)
//   all-accounts  the twelve seed accounts at once, 500 ms per call (goal: ≤ 1.5 s, ≤ 70 calls)
//   overhead      2EZi at 0 ms per call: what messaging and PostgreSQL cost (goal: ≤ 200 ms)
//                 (2ezi and overhead: --restarts N restarts every host N times and reports the median first sync after it)
//   big-account   one synthetic account of about 10,000 ads at 500 ms per call (goal: ≤ 3 s with its shape known)
//   scale         synthetic accounts at once, more and more of each fetcher, CPU of every process measured:
//                 [--accounts N] [--regime latency|cpu|both] [--fetchers 1,2] [--kill-every 15s]; latency-bound (500 ms per call, consumers
//                 capped at 3, 1/2/4 of each fetcher, 40 accounts by default) and CPU-bound (50 ms, 1/2 of each, 200 accounts)
//   rate-budget   60 calls/min per account, every account back to back for 180 s (goal: 0 throttles, ≥ 90 % used)
//   incremental   2EZi re-synced after a few changes, full (forced) vs incremental (unforced), 500 ms per call: entity
//                 calls and response bytes of each (--runs N, 3 by default)
//
// --restart-only P[,P] (2ezi, overhead): restart only those host projects (Gateway, Orchestrator, EntityFetcher,
// InsightFetcher), to see which one the first sync after a restart waits for; every host unless given.
// --settle (2ezi, overhead): at most N untimed syncs before the timed runs, until the hosts' JIT settles (80 by default; 0:
// none, as before: the timed runs then measure hosts still recompiling, see JitSettling).
// --daily-days sets Sync:DailyInsightDays of every host: 0 (no daily rows) unless given, as the goals were set without them.
// Each prints a markdown table and writes it to bench/results/<scenario>.md, and its figures to <scenario>.json. The
// simulator runs in a process of its own; scale runs its own PostgreSQL and RabbitMQ, the others use those of
// scripts/services.sh (started when they are not running). The hosts are built with the bench (see the .csproj).
using System.Diagnostics;
using System.Globalization;
using MetaAdsSync.SyncBench;
using MetaAdsSync.TestSupport;

string[] scenarios = ["2ezi", "all-accounts", "overhead", "big-account", "scale", "rate-budget", "incremental"];
if (args.Length == 0 || !scenarios.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project bench/SyncBench -- <{string.Join("|", scenarios)}> [--runs N] [--seconds S] " +
        "[--restarts N] [--restart-only P,P] [--accounts N] [--regime latency|cpu|both] [--fetchers 1,2] [--kill-every 15s] [--daily-days N] [--settle N]");
    return 2;
}

var scenario = args[0];
var runs = Option("--runs", scenario == "incremental" ? 3 : 5);
var restarts = Option("--restarts", 1);
var seconds = Option("--seconds", 180);
var dailyDays = Option("--daily-days", 0, min: 0);
var settle = Option("--settle", OneAccount.MaxSettleSyncs, min: 0);
// Which host projects --restarts restarts (2ezi, overhead), e.g. "Orchestrator,Gateway"; every host unless given.
var restartOnly = Text("--restart-only")?.Split(',');
// Every host the bench starts inherits it.
Environment.SetEnvironmentVariable("Sync__DailyInsightDays", dailyDays.ToString(CultureInfo.InvariantCulture));

// The local servers of scripts/services.sh, never containers: the figures are about this machine. Scale runs its own.
Environment.SetEnvironmentVariable("METAADSSYNC_TEST_SERVICES", "local");
if (scenario != "scale")
{
    using var services = Process.Start(new ProcessStartInfo("bash", "scripts/services.sh start") { WorkingDirectory = RepoPaths.Root })!;
    await services.WaitForExitAsync();
    if (services.ExitCode != 0)
    {
        Console.Error.WriteLine("scripts/services.sh start failed");
        return 1;
    }
}

// Runs of another kind get a file of their own, so that a CPU-bound scale run does not overwrite the latency-bound one.
var fileName = scenario switch
{
    "scale" when Text("--kill-every") is not null => Text("--accounts") is { } killAccounts ? $"scale-{killAccounts}-kill" : "scale-kill",
    "scale" when Text("--regime") == "cpu" => "scale-cpu",
    "2ezi" when dailyDays > 0 => "2ezi-daily",
    _ => scenario,
};
var report = new Report(scenario, "dotnet run -c Release --project bench/SyncBench -- " + string.Join(" ", args), fileName);
report.Line($"Sync:DailyInsightDays = {dailyDays}{(dailyDays == 0 ? " (daily rows off)" : "")}.");
report.Value("dailyInsightDays", dailyDays);
switch (scenario)
{
    case "2ezi":
        await OneAccount.RunAsync(report, latencyMs: 500, runs, restarts, (r, ours) =>
        {
            r.Goal("≤ 1.2 s, shape known", ours.Time.Median <= 1.2, "median " + Format.Seconds(ours.Time.Median));
            r.Goal("≤ 10 Graph calls", ours.Calls.Median <= 10, "median " + Format.Number(ours.Calls.Median));
            r.Goal("first sync on an empty database ≤ 2.4 s", ours.FirstSync <= 2.4, Format.Seconds(ours.FirstSync));
            r.Goal("first sync after a restart ≤ 1.5× the warm median", ours.AfterRestart <= 1.5 * ours.Time.Median,
                $"{Format.Seconds(ours.AfterRestart)} ({Format.Ratio(ours.AfterRestart / ours.Time.Median)})");
        }, settle, restartOnly);
        break;
    case "overhead":
        await OneAccount.RunAsync(report, latencyMs: 0, runs, restarts, (r, ours) =>
            r.Goal("≤ 200 ms end to end", ours.Time.Median <= 0.2, "median " + Format.Seconds(ours.Time.Median)), settle, restartOnly);
        break;
    case "all-accounts":
        await AllAccounts.RunAsync(report, latencyMs: 500, runs);
        break;
    case "big-account":
        await BigAccount.RunAsync(report, runs);
        break;
    case "scale":
        var regime = Text("--regime") ?? "both";
        if (regime is not ("latency" or "cpu" or "both"))
        {
            Console.Error.WriteLine("--regime is latency, cpu or both");
            return 2;
        }

        int? accounts = Text("--accounts") is not null ? Option("--accounts", 0) : null;
        // Which counts of each fetcher to compare (the regime's own unless given), e.g. "1" for one configuration.
        int[]? fetchers = Text("--fetchers") is { } list ? list.Split(',').Select(f => Number("--fetchers", f, 1)).ToArray() : null;
        await Scale.RunAsync(report, runs, accounts, regime, Text("--kill-every") is { } every ? Duration(every) : null, fetchers);
        break;
    case "rate-budget":
        await RateBudget.RunAsync(report, latencyMs: 50, TimeSpan.FromSeconds(seconds));
        break;
    case "incremental":
        await Incremental.RunAsync(report, latencyMs: 500, runs);
        break;
}

await report.WriteAsync();
return 0;

int Option(string name, int fallback, int min = 1) => Text(name) is { } value ? Number(name, value, min) : fallback;

// A count the bench cannot run with (0 runs, 0 restarts: nothing to take a median of) stops it before anything starts.
static int Number(string name, string value, int min)
{
    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min)
    {
        return n;
    }

    Console.Error.WriteLine($"{name} takes a whole number ≥ {min}, not '{value}'");
    Environment.Exit(2);
    return 0;
}

string? Text(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

// "15s", "2m" or plain seconds.
static TimeSpan Duration(string text) => text[^1] switch
{
    's' => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    'm' => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
    _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
};
