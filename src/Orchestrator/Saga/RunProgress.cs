using System.Globalization;
using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>An insight read sent and not yet answered: what the watchdog needs to send it again (a daily read carries its window).</summary>
public sealed record OutstandingBatch(EntityLevel Level, Partition Partition, DailyWindow? Daily = null);

/// <summary>
/// The bookkeeping of one run on <see cref="AccountSyncState"/>: which pages were counted, which insight reads are out. Every method is idempotent: events arrive at least once.
/// </summary>
public static class RunProgress
{
    static IReadOnlyList<EntityLevel> Levels => Planning.SyncPlanner.Levels;

    public static void Start(AccountSyncState s, SyncAccountRequested request, DateTimeOffset now)
    {
        s.AccountId = request.AccountId;
        s.RunId = request.RunId;
        s.DatePreset = request.DatePreset;
        s.Trigger = request.Trigger.ToString();
        s.Force = request.Force;
        s.RequestedBy = request.RequestedBy;
        s.StartedAt = now;
        s.LastProgressAt = now;
        s.FinishedAt = null;
        s.Redrives = 0;
        s.Campaigns = s.AdSets = s.Ads = s.Eligible = s.GraphCalls = s.BatchesSent = 0;
        s.LevelsDone = [];
        s.PagesSeen = [];
        s.BatchesSucceeded = [];
        s.InsightLevelsRead = [];
        s.DailyLevelsRead = [];
        s.BatchesFailed = [];
        s.OutstandingBatches = "{}";
        s.Outcome = null;
        s.Error = null;
        s.ErrorKind = null;
        s.ErrorDetail = null;
        s.LevelsReused = [];
    }

    /// <summary>
    /// Counts a page once. Pages are
    /// recorded per attempt (<see cref="EntitiesFetched.Attempt"/>): a level counts the entities of the first attempt
    /// that delivered all its pages, so a level read twice, cut into other pages the second time, is neither counted
    /// twice nor short.
    /// </summary>
    public static void RecordPage(AccountSyncState s, EntitiesFetched page, DateTimeOffset now)
    {
        var key = PageKey(page.Level, page.Attempt, page.Page);
        if (s.PagesSeen.Any(p => p.StartsWith(key, StringComparison.Ordinal)))
        {
            return;
        }

        s.PagesSeen.Add(FormattableString.Invariant($"{key}{page.Count}:{page.EligibleIds.Count}"));
        if (page.IsLastPage)
        {
            s.LevelsDone.Add(FormattableString.Invariant($"{page.Level}={page.Attempt:N}:{page.Page}"));
        }

        var reused = ReusedKey(page.Level, page.Attempt);
        if (page.ReadAt is { } readAt && !s.LevelsReused.Any(r => r.StartsWith(reused, StringComparison.Ordinal)))
        {
            s.LevelsReused.Add(reused + readAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        }

        Recount(s);
        s.GraphCalls += page.GraphCalls;
        s.LastProgressAt = now;
    }

    /// <summary>Records a batch's answer once; false for a duplicate or a batch this run never sent.</summary>
    public static bool RecordBatch(AccountSyncState s, Guid batchId, bool succeeded, int graphCalls, DateTimeOffset now)
    {
        var outstanding = Outstanding(s);
        if (!outstanding.Remove(batchId, out var batch))
        {
            return false;
        }

        s.OutstandingBatches = JsonSerializer.Serialize(outstanding);
        (succeeded ? s.BatchesSucceeded : s.BatchesFailed).Add(batchId);
        if (succeeded)
        {
            // One read per level: its answer is the whole level (its window, for a daily read).
            if (batch.Daily is { } window)
            {
                s.DailyLevelsRead.Add(window.Key(batch.Level));
            }
            else
            {
                s.InsightLevelsRead.Add(batch.Level.ToString());
            }
        }

        s.GraphCalls += graphCalls;
        s.LastProgressAt = now;
        return true;
    }

    /// <summary>
    /// Levels whose completed attempt read Meta, and those whose completed attempt answered from PostgreSQL with when
    /// they were last read from Meta: what the run's last_synced_at and its history say.
    /// </summary>
    public static (List<EntityLevel> Read, Dictionary<EntityLevel, DateTimeOffset> Reused) LevelSources(AccountSyncState s)
    {
        var read = new List<EntityLevel>();
        var reused = new Dictionary<EntityLevel, DateTimeOffset>();
        foreach (var level in Levels)
        {
            if (CompletedAttempt(s, level) is not { } attempt)
            {
                continue;
            }

            var key = ReusedKey(level, attempt);
            if (s.LevelsReused.FirstOrDefault(r => r.StartsWith(key, StringComparison.Ordinal)) is { } entry)
            {
                reused[level] = DateTimeOffset.Parse(entry[key.Length..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            }
            else
            {
                read.Add(level);
            }
        }

        return (read, reused);
    }

    static string ReusedKey(EntityLevel level, Guid attempt) => FormattableString.Invariant($"{level}={attempt:N}@");

    /// <summary>Records why the run failed (or, for a failed insight read, why it will end Partial), unless a cause is already set.</summary>
    public static void RecordCause(AccountSyncState s, string error, FailureCause? cause, bool replace)
    {
        if (!replace && s.Error is not null)
        {
            return;
        }

        s.Error = error;
        s.ErrorKind = cause?.Kind.ToString();
        s.ErrorDetail = cause?.ToJson();
    }

    /// <summary>A level is done when, for one attempt, its last page and every page before it were counted.</summary>
    public static bool IsLevelDone(AccountSyncState s, EntityLevel level) => CompletedAttempt(s, level) is not null;

    static Guid? CompletedAttempt(AccountSyncState s, EntityLevel level)
    {
        foreach (var done in s.LevelsDone.Where(d => d.StartsWith($"{level}=", StringComparison.Ordinal)))
        {
            var parts = done[(done.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(':');
            var attempt = Guid.ParseExact(parts[0], "N");
            var pages = int.Parse(parts[1], CultureInfo.InvariantCulture);
            if (Enumerable.Range(1, pages).All(p => s.PagesSeen.Any(seen => seen.StartsWith(PageKey(level, attempt, p), StringComparison.Ordinal))))
            {
                return attempt;
            }
        }

        return null;
    }

    /// <summary>
    /// Entities and eligible ids per level: those of the attempt that completed the level, or, while none has, of the
    /// attempt that has delivered the most so far (what the dashboard shows as progress).
    /// </summary>
    static void Recount(AccountSyncState s)
    {
        var eligible = 0;
        foreach (var level in Levels)
        {
            var attempts = s.PagesSeen
                .Where(p => p.StartsWith($"{level}:", StringComparison.Ordinal))
                .Select(p => p.Split(':'))
                .GroupBy(p => Guid.ParseExact(p[1], "N"))
                .ToDictionary(g => g.Key, g => (
                    Count: g.Sum(p => int.Parse(p[3], CultureInfo.InvariantCulture)),
                    Eligible: g.Sum(p => int.Parse(p[4], CultureInfo.InvariantCulture))));
            var counted = CompletedAttempt(s, level) is { } done ? attempts[done] : attempts.Values.OrderByDescending(a => a.Count).FirstOrDefault();
            switch (level)
            {
                case EntityLevel.Campaign: s.Campaigns = counted.Count; break;
                case EntityLevel.AdSet: s.AdSets = counted.Count; break;
                default: s.Ads = counted.Count; break;
            }

            eligible += counted.Eligible;
        }

        s.Eligible = eligible;
    }

    /// <summary>A page's entry in <see cref="AccountSyncState.PagesSeen"/> begins <c>Level:attempt:page:</c> and goes on <c>count:eligible</c>.</summary>
    static string PageKey(EntityLevel level, Guid attempt, int page) => FormattableString.Invariant($"{level}:{attempt:N}:{page}:");

    public static IEnumerable<EntityLevel> LevelsNotDone(AccountSyncState s) => Levels.Where(l => !IsLevelDone(s, l));

    public static bool AllLevelsDone(AccountSyncState s) => !LevelsNotDone(s).Any();

    public static bool IsFinished(AccountSyncState s) => AllLevelsDone(s) && Outstanding(s).Count == 0;

    public static Dictionary<Guid, OutstandingBatch> Outstanding(AccountSyncState s) =>
        JsonSerializer.Deserialize<Dictionary<Guid, OutstandingBatch>>(s.OutstandingBatches) ?? [];

    public static FetchInsightsBatch Command(AccountSyncState s, Guid batchId, OutstandingBatch batch) =>
        new(s.RunId!.Value, s.AccountId, batchId, batch.Level, s.DatePreset, batch.Partition, RunStartedAt(s), batch.Daily);

    /// <summary>
    /// The run's start as its fetch commands carry it: the fetchers let no write of an older run win over a newer one's.
    /// In whole microseconds, as PostgreSQL keeps it, so a command sent again after the saga was reloaded carries the same.
    /// </summary>
    public static DateTimeOffset RunStartedAt(AccountSyncState s) =>
        s.StartedAt is { } t ? new DateTimeOffset(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero) : default;

    /// <summary>Plans an insight read of the run: outstanding until answered, under an id fixed by the run and its sequence.</summary>
    public static void AddBatch(AccountSyncState s, EntityLevel level, Partition partition, DailyWindow? daily = null)
    {
        var batchId = BatchId(s, level, s.BatchesSent++);
        var outstanding = Outstanding(s);
        outstanding[batchId] = new OutstandingBatch(level, partition, daily);
        s.OutstandingBatches = JsonSerializer.Serialize(outstanding);
    }

    static Guid BatchId(AccountSyncState s, EntityLevel level, int sequence) => AccountCorrelation.Batch(s.RunId!.Value, level.ToString(), sequence);
}
