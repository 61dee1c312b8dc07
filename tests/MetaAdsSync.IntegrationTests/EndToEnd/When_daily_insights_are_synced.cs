using System.Globalization;
using System.Text.RegularExpressions;
using MetaAdsSync.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace MetaAdsSync.IntegrationTests.EndToEnd;

/// <summary>
/// Daily rows with a restatement window (<c>Sync:DailyInsightDays</c>, 28 by default) on the whole system against the
/// simulator's truth: every entity with delivery in the window, whatever its status; a restated day followed; a day
/// outside the window never read again.
/// </summary>
public partial class When_daily_insights_are_synced(ITestOutputHelper output)
{
    const string TwoEzi = "act_697495618573979";
    const int Days = 28;
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Should_store_every_day_of_the_window_follow_a_restated_day_and_never_touch_an_older_one()
    {
        await using var system = await SyncSystem.StartAsync(s => s.LatencyMs = 20,
            settings: new Dictionary<string, string> { ["Logging__LogLevel__MetaAdsSync.GraphApi"] = "Debug" });
        var simulator = system.Simulator;
        var window = StoredDaily.Window(simulator, TwoEzi, Days);
        // A campaign that delivered in the window, paused today: its days stay Meta's, and a status filter would lose them.
        var paused = simulator.GetDailyTruth(TwoEzi, window.Since, window.Until)!.Rows
            .First(r => r.Level == "campaign" && DateOnly.Parse(r.Date, CultureInfo.InvariantCulture) == window.Until.AddDays(-3)).EntityId;
        simulator.Pause(paused);

        await SyncAsync(system, force: true);
        var first = await StoredDaily.RowsAsync(system.Postgres, TwoEzi, window);
        Assert.Empty(await StoredDaily.DifferencesAsync(system.Postgres, simulator, TwoEzi, window));
        Assert.Contains(first.Keys, k => k.EntityId == paused && k.Date == window.Until.AddDays(-3));
        Assert.Equal(first.Count, await StoredDaily.CountAsync(system.Postgres, TwoEzi));
        output.WriteLine($"{first.Count} daily rows for {window.Since}..{window.Until}");

        // Meta restates a day inside the window and one before it; a row of that older day is already stored.
        var inside = window.Until.AddDays(-3);
        var outside = window.Since.AddDays(-5);
        simulator.Restate(paused, inside, inside, factor: 2);
        simulator.Restate(paused, outside, outside, factor: 3);
        await StoreOlderDayAsync(system.Postgres, paused, outside);
        var before = first[("campaign", paused, inside)];
        var logged = DailyReads(system).Count;

        await SyncAsync(system, force: true);
        Assert.Empty(await StoredDaily.DifferencesAsync(system.Postgres, simulator, TwoEzi, window));
        var after = (await StoredDaily.RowsAsync(system.Postgres, TwoEzi, window))[("campaign", paused, inside)];
        Assert.True(after.Impressions > before.Impressions * 3 / 2, $"the restated day was not followed: {before} then {after}");
        Assert.Equal((-1L, DateTimeOffset.UnixEpoch), await OlderDayAsync(system.Postgres, paused, outside));
        var reads = DailyReads(system).Skip(logged).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, r => Assert.Equal((window.Since, window.Until), r));

        // Within Sync:InsightMaxAge an unforced sync reads no window again.
        var counted = DailyReads(system).Count;
        await SyncAsync(system, force: false);
        Assert.Equal(counted, DailyReads(system).Count);
    }

    async Task SyncAsync(SyncSystem system, bool force)
    {
        var reads = DailyReads(system).Count;
        var run = await system.SyncToEnd(TwoEzi, RunTimeout, force);
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        output.WriteLine($"sync (force {force}): {run.GetProperty("durationMs")} ms, {run.GetProperty("graphCalls")} Graph calls, " +
            $"{DailyReads(system).Count - reads} of them daily reads");
    }

    /// <summary>The window of every daily read the InsightFetcher logged (its Graph calls at Debug), in order.</summary>
    static List<(DateOnly Since, DateOnly Until)> DailyReads(SyncSystem system) =>
        system.Hosts.Where(h => h.Project == "InsightFetcher")
            .SelectMany(h => h.Output.Split('\n'))
            .Select(Uri.UnescapeDataString)
            .Select(line => TimeRange().Match(line))
            .Where(m => m.Success)
            .Select(m => (DateOnly.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), DateOnly.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();

    static async Task StoreOlderDayAsync(string postgres, string campaign, DateOnly day)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO daily_insights (account_id, level, entity_id, date, impressions, clicks, spend, fetched_at)
            VALUES (@a, 'campaign', @e, @d, -1, -1, -1, 'epoch')
            """, connection);
        command.Parameters.AddWithValue("a", TwoEzi);
        command.Parameters.AddWithValue("e", campaign);
        command.Parameters.AddWithValue("d", day);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<(long Impressions, DateTimeOffset FetchedAt)> OlderDayAsync(string postgres, string campaign, DateOnly day)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT impressions, fetched_at FROM daily_insights WHERE account_id = @a AND level = 'campaign' AND entity_id = @e AND date = @d", connection);
        command.Parameters.AddWithValue("a", TwoEzi);
        command.Parameters.AddWithValue("e", campaign);
        command.Parameters.AddWithValue("d", day);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
    }

    [GeneratedRegex("""GET \S*insights\S*time_range=\{"since":"(\d{4}-\d\d-\d\d)","until":"(\d{4}-\d\d-\d\d)"\}""")]
    private static partial Regex TimeRange();
}
