// Upsert speed of the ads table: N ads with creatives, in pages of the size Meta returns, into a fresh database
// (inserts), then the same again (updates). Not a test: it prints rows/s and leaves nothing behind.
//
//   dotnet run -c Release --project bench/UpsertBench -- [rows=10000] [pageSize=250] [adminConnectionString]
using System.Diagnostics;
using System.Globalization;
using MetaAdsSync.Bench;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.Storage.Upserts;
using Npgsql;

var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var pageSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 250;
var admin = args.Length > 2 ? args[2] : BenchDatabase.DefaultAdmin;
string[] passes = ["insert", "update"];

await BenchDatabase.RunAsync(admin, "bench_upsert_", async dataSource =>
{
    await using var connection = await dataSource.OpenConnectionAsync();
    var ads = Enumerable.Range(1, rows).Select(MakeAd).ToList();

    // One warm-up page on another account so that connection set-up and type loading are not measured.
    await EntityUpserts.UpsertAdsAsync(connection, ads.Take(pageSize).Select(a => Copy(a, "warmup-")), default);

    // The backend serving this connection, whose CPU (utime + stime, from /proc: same machine) is PostgreSQL's share.
    await using var pidCommand = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
    var backend = (int)(await pidCommand.ExecuteScalarAsync())!;
    foreach (var pass in passes)
    {
        var cpuBefore = BackendCpuMs(backend);
        var clock = Stopwatch.StartNew();
        foreach (var page in ads.Chunk(pageSize))
        {
            await EntityUpserts.UpsertAdsAsync(connection, page, default);
        }

        clock.Stop();
        var cpu = BackendCpuMs(backend) - cpuBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{pass}: {rows} ads in pages of {pageSize}: {clock.Elapsed.TotalMilliseconds:F0} ms, {rows / clock.Elapsed.TotalSeconds:F0} rows/s; PostgreSQL backend CPU {cpu:F0} ms, {cpu * 1000 / rows:F1} µs a row"));
    }

    await using var count = new NpgsqlCommand("SELECT count(*) FROM ads WHERE id NOT LIKE 'warmup-%'", connection);
    Console.WriteLine($"rows stored: {await count.ExecuteScalarAsync()}");
});

// A process's CPU from /proc/<pid>/stat (utime + stime, fields 14 and 15, in clock ticks of 10 ms); NaN off Linux or for a server on another machine.
static double BackendCpuMs(int pid)
{
    var path = $"/proc/{pid}/stat";
    if (!File.Exists(path))
    {
        return double.NaN;
    }

    var fields = File.ReadAllText(path).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
}

static Ad MakeAd(int i) => new()
{
    Id = (23850000000000 + i).ToString(CultureInfo.InvariantCulture),
    AccountId = "act_697495618573979",
    Name = $"Spring sale — variant {i}",
    Status = "ACTIVE",
    EffectiveStatus = i % 9 == 0 ? "ACTIVE" : "PAUSED",
    CampaignId = (23840000000000 + i / 16).ToString(CultureInfo.InvariantCulture),
    AdSetId = (23845000000000 + i / 4).ToString(CultureInfo.InvariantCulture),
    Creative = $$"""{"id":"{{23860000000000 + i}}","title":"Spring sale {{i}}","body":"Everything 20% off until Sunday. Free delivery over $50.","image_url":"https://scontent.example/v/t45/{{i}}_n.jpg?stp=dst-jpg&_nc_cat=1","thumbnail_url":"https://scontent.example/v/t45/{{i}}_t.jpg"}""",
    CreatedTime = new DateTimeOffset(2026, 8, 12, 17, 8, 55, TimeSpan.Zero).AddMinutes(i),
    UpdatedTime = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(i),
    SyncedAt = DateTimeOffset.UtcNow,
    LastRunId = Guid.NewGuid(),
};

static Ad Copy(Ad a, string prefix) => new()
{
    Id = prefix + a.Id, AccountId = a.AccountId, Name = a.Name, Status = a.Status, EffectiveStatus = a.EffectiveStatus,
    CampaignId = a.CampaignId, AdSetId = a.AdSetId, Creative = a.Creative, CreatedTime = a.CreatedTime, UpdatedTime = a.UpdatedTime,
    SyncedAt = a.SyncedAt, LastRunId = a.LastRunId,
};
