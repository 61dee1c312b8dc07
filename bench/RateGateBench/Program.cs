// What the shared rate gate adds to one Graph call: acquire, report and release (three statements on PostgreSQL),
// timed per call against a fresh database, from one caller and then from several at once on different accounts.
// Not a test: it prints the median and the 95th percentile.
//
//   dotnet run -c Release --project bench/RateGateBench -- [calls=2000] [callers=8] [adminConnectionString] [budget=0]
//
// A budget (calls per ad account per hour, large enough never to make a call wait) times the other acquire statement,
// the one that also takes a token from the account's shared bucket.
using System.Diagnostics;
using System.Globalization;
using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using MetaAdsSync.Bench;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var callers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
var admin = args.Length > 2 && args[2].Length > 0 ? args[2] : BenchDatabase.DefaultAdmin;
var budget = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;

await BenchDatabase.RunAsync(admin, "bench_gate_", async dataSource =>
{
    var gate = new PostgresRateGate(dataSource,
        Options.Create(new RateGateOptions { InitialConcurrency = 16, MaxConcurrency = 16, CallBudget = budget }),
        TimeProvider.System, NullLogger<PostgresRateGate>.Instance);
    var usage = new GraphUsage(AppCallCount: 3, AccountUtilPercent: 12.5);

    // Warm-up: connections, prepared statements, JIT.
    await Measure(gate, usage, "act_warmup", 200);

    var single = await Measure(gate, usage, "act_1", calls);
    Print("1 caller", single);
    var many = (await Task.WhenAll(Enumerable.Range(0, callers).Select(i => Measure(gate, usage, $"act_{i + 100}", calls / callers)))).SelectMany(t => t).ToList();
    Print($"{callers} callers, one account each", many);
});

static async Task<List<double>> Measure(PostgresRateGate gate, GraphUsage usage, string account, int calls)
{
    var scope = new RateScope(account, MetaUseCase.AdsInsights);
    var timings = new List<double>(calls);
    for (var i = 0; i < calls; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await using (await gate.AcquireAsync(scope, default))
        {
            await gate.ReportAsync(scope, usage, null, default);
        }

        timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    return timings;
}

static void Print(string label, List<double> timings)
{
    timings.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}: {timings.Count} calls, gate overhead per call median {timings[timings.Count / 2]:F2} ms, p95 {timings[(int)(timings.Count * 0.95)]:F2} ms"));
}
