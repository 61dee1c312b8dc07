using Npgsql;

namespace MetaAdsSync.SyncBench;

/// <summary>
/// Where one of our runs spent its time, from what it wrote: each entity page's store (its rows' <c>synced_at</c>),
/// each insights page's store (its rows' <c>fetched_at</c>), the saga's start and finish; offsets from the POST.
/// </summary>
static class Timeline
{
    public static async Task WriteAsync(Report report, NpgsqlDataSource database, FinishedRun run, DateTimeOffset requested,
        string which = "our last run", string key = "lastRunTimeline")
    {
        await using var command = database.CreateCommand("""
            SELECT 'campaigns page stored', synced_at FROM campaigns WHERE last_run_id = @run GROUP BY synced_at
            UNION ALL SELECT 'ad sets page stored', synced_at FROM ad_sets WHERE last_run_id = @run GROUP BY synced_at
            UNION ALL SELECT 'ads page stored', synced_at FROM ads WHERE last_run_id = @run GROUP BY synced_at
            UNION ALL SELECT level || ' insights stored', fetched_at FROM insights WHERE last_run_id = @run GROUP BY level, fetched_at
            """);
        command.Parameters.AddWithValue("run", run.RunId);
        var events = new List<(string What, DateTimeOffset At)> { ("saga started", run.StartedAt), ("saga finished", run.FinishedAt) };
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                events.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        report.Line($"Where the time of {which} went (offsets from the POST; a page's time is when its rows were stored):");
        report.Line();
        var ordered = events.OrderBy(e => e.At).ToList();
        var rows = ordered.Select((e, i) => (IReadOnlyList<Cell>)
        [
            e.What, Cell.Seconds((e.At - requested).TotalSeconds), i == 0 ? new Cell("", null) : Cell.Seconds((e.At - ordered[i - 1].At).TotalSeconds),
        ]);
        report.Table(key, [("Event", "event"), ("At", "at"), ("Since the previous event", "sinceThePreviousEvent")], rows);
    }
}
