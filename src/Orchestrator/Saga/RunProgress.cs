using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// The bookkeeping of one run on <see cref="AccountSyncState"/>'s ledger: which partitions are planned and which of
/// their pages came back, which insight reads are out. Every method is idempotent: events arrive at least once.
/// </summary>
public static class RunProgress
{
    static IReadOnlyList<EntityLevel> Levels => SyncPlanner.Levels;

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
        s.Campaigns = s.AdSets = s.Ads = s.Eligible = s.GraphCalls = 0;
        s.Sequence = s.BatchesSent = s.BatchesSucceeded = s.BatchesFailed = 0;
        s.Ledger = new RunLedger();
        s.Plan = null;
        s.Outcome = null;
        s.Error = null;
        s.ErrorKind = null;
        s.ErrorDetail = null;
    }

    /// <summary>Records the plan: its partitions and insight reads, under ids fixed by the run and their sequence.</summary>
    public static void Plan(AccountSyncState s, SyncPlan plan)
    {
        var run = s.RunId!.Value;
        foreach (var (level, reads) in plan.Entities.GroupBy(r => r.Level).Select(g => (g.Key, g.ToList())))
        {
            for (var i = 0; i < reads.Count; i++)
            {
                s.Ledger.Entities[AccountCorrelation.Batch(run, $"{level}/entities", i)] = new EntityPartitionRead
                {
                    Level = level, Partition = reads[i].Partition, UpdatedSince = reads[i].UpdatedSince,
                    LooksUpRemovals = i == 0 && reads[i].Partition.Kind != PartitionKind.WholeLevel,
                };
            }
        }

        s.Ledger.KnownCampaigns = plan.KnownCampaigns is { } known ? [.. known] : null;
        s.Ledger.ByCampaign = plan.ByCampaign is { } byCampaign ? new Dictionary<EntityLevel, int>(byCampaign) : null;
        s.Ledger.SpareCalls = plan.SpareCalls;
        s.Ledger.HeldInsights = plan.HeldInsights is { } held ? [.. held] : null;

        foreach (var read in plan.Insights)
        {
            s.Ledger.Insights[AccountCorrelation.Batch(run, read.Level.ToString(), s.BatchesSent++)] =
                new InsightRead { Level = read.Level, Partition = read.Partition, Daily = read.Daily };
        }

        s.Plan = plan.Summary;
    }

    /// <summary>
    /// Keeps the plan's summary true when the run adds reads to it (campaigns it names): partitions per level, and the
    /// calls they take at least.
    /// </summary>
    public static void AddedToPlan(AccountSyncState s, EntityLevel level, int partitions, int? calls = null, bool insights = false)
    {
        if (s.Plan is not { } plan)
        {
            return;
        }

        var counts = new Dictionary<string, int>(insights ? plan.InsightPartitions : plan.EntityPartitions);
        counts[level.ToString()] = counts.GetValueOrDefault(level.ToString()) + partitions;
        var planned = plan.CallsPlanned + (calls ?? partitions);
        s.Plan = insights ? plan with { InsightPartitions = counts, CallsPlanned = planned } : plan with { EntityPartitions = counts, CallsPlanned = planned };
    }

    /// <summary>
    /// Counts a page of <paramref name="partition"/> (<see cref="PartitionOf"/>) once. Pages are recorded per attempt
    /// (<see cref="EntitiesFetched.Attempt"/>): a partition counts the entities of the first attempt that delivered all its
    /// pages, so a partition read twice, cut into other pages the second time, is neither counted twice nor short. False
    /// for a duplicate.
    /// </summary>
    public static bool RecordPage(AccountSyncState s, EntityPartitionRead partition, EntitiesFetched page, DateTimeOffset now)
    {
        if (!partition.Attempts.TryGetValue(page.Attempt, out var attempt))
        {
            partition.Attempts[page.Attempt] = attempt = new AttemptPages();
        }

        if (attempt.Pages.ContainsKey(page.Page))
        {
            return false;
        }

        var before = Counted(partition);
        attempt.Pages[page.Page] = new PageCount(page.Count, page.EligibleIds.Count);
        if (page.IsLastPage)
        {
            attempt.LastPage = page.Page;
        }

        attempt.ReadAt ??= page.ReadAt;

        if (partition.CompletedBy is null && attempt.LastPage is { } last && Enumerable.Range(1, last).All(attempt.Pages.ContainsKey))
        {
            partition.CompletedBy = page.Attempt;
        }

        Count(s, partition.Level, Counted(partition), before);
        s.GraphCalls += page.GraphCalls;
        s.Sequence++;
        s.LastProgressAt = now;
        return true;
    }

    /// <summary>
    /// The partition a page belongs to. A page without a partition id comes from a fetcher of the older shape, which
    /// read whole levels: it counts for its level's only partition when the plan has one, and is dropped otherwise.
    /// </summary>
    public static EntityPartitionRead? PartitionOf(AccountSyncState s, EntitiesFetched page)
    {
        if (page.PartitionId != Guid.Empty)
        {
            return s.Ledger.Entities.TryGetValue(page.PartitionId, out var planned) && planned.Level == page.Level ? planned : null;
        }

        var ofLevel = s.Ledger.Entities.Values.Where(p => p.Level == page.Level).Take(2).ToList();
        return ofLevel is [{ Partition.Kind: PartitionKind.WholeLevel } only] ? only : null;
    }

    /// <summary>Records an insight read's answer once; false for a duplicate or a read this run never planned.</summary>
    public static bool RecordBatch(AccountSyncState s, Guid batchId, bool succeeded, int graphCalls, DateTimeOffset now)
    {
        if (!s.Ledger.Insights.TryGetValue(batchId, out var read) || read.Status != InsightReadStatus.Outstanding)
        {
            return false;
        }

        read.Status = succeeded ? InsightReadStatus.Succeeded : InsightReadStatus.Failed;
        if (succeeded)
        {
            s.BatchesSucceeded++;
        }
        else
        {
            s.BatchesFailed++;
        }

        s.GraphCalls += graphCalls;
        s.Sequence++;
        s.LastProgressAt = now;
        return true;
    }

    /// <summary>
    /// What a partition adds to its level's entities and eligible ids: the attempt that completed it, or, while none has,
    /// the attempt that has delivered the most so far (what the dashboard shows as progress).
    /// </summary>
    static (int Count, int Eligible) Counted(EntityPartitionRead partition)
    {
        var counted = partition.CompletedBy is { } done
            ? partition.Attempts[done]
            : partition.Attempts.Values.OrderByDescending(a => a.Count).FirstOrDefault();
        return counted is null ? (0, 0) : (counted.Count, counted.Eligible);
    }

    /// <summary>
    /// Moves the run's counters by what one partition's share became (its level's entities, the eligible ids): a page
    /// changes only its own partition, so the other partitions are not summed again.
    /// </summary>
    static void Count(AccountSyncState s, EntityLevel level, (int Count, int Eligible) now, (int Count, int Eligible) before)
    {
        var entities = now.Count - before.Count;
        switch (level)
        {
            case EntityLevel.Campaign:
                s.Campaigns += entities;
                break;
            case EntityLevel.AdSet:
                s.AdSets += entities;
                break;
            default:
                s.Ads += entities;
                break;
        }

        s.Eligible += now.Eligible - before.Eligible;
    }

    /// <summary>A level is read when every partition of it is done.</summary>
    public static bool IsLevelDone(AccountSyncState s, EntityLevel level) => s.Ledger.Entities.Values.Where(p => p.Level == level).All(p => p.Done);

    public static bool AllLevelsDone(AccountSyncState s) => s.Ledger.Entities.Values.All(p => p.Done);

    public static bool IsFinished(AccountSyncState s) => AllLevelsDone(s) && !Outstanding(s).Any();

    /// <summary>
    /// Levels read fully in partitions, each of them done: only the run knows such a level is read
    /// completely. A level read incrementally is never complete for removals, whatever partitions it was given.
    /// </summary>
    public static IReadOnlyList<EntityLevel> PartitionedLevelsRead(AccountSyncState s) => Levels
        .Where(l => s.Ledger.Entities.Values.Any(p => p.Level == l && p.Partition.Kind != PartitionKind.WholeLevel) && !IsIncremental(s, l) && IsLevelDone(s, l))
        .ToList();

    /// <summary>Whether the run reads the level incrementally (what changed since its last read).</summary>
    public static bool IsIncremental(AccountSyncState s, EntityLevel level) =>
        s.Ledger.Entities.Values.Any(p => p.Level == level && p.UpdatedSince is not null);

    /// <summary>Levels whose preset insight reads were all answered with success (the next runs' freshness).</summary>
    public static IReadOnlyList<EntityLevel> InsightLevelsRead(AccountSyncState s) => Levels
        .Where(l => ReadCompletely(s.Ledger.Insights.Values.Where(r => r.Level == l && r.Daily is null)))
        .ToList();

    /// <summary>Daily windows (<c>DailyWindow.Key</c>) whose reads were all answered with success, one per level.</summary>
    public static IReadOnlyList<string> DailyLevelsRead(AccountSyncState s) => s.Ledger.Insights.Values
        .Where(r => r.Daily is not null)
        .GroupBy(r => r.Daily!.Key(r.Level))
        .Where(g => ReadCompletely(g))
        .Select(g => g.Key)
        .ToList();

    static bool ReadCompletely(IEnumerable<InsightRead> reads) =>
        reads.Any() && reads.All(r => r.Status == InsightReadStatus.Succeeded);

    /// <summary>
    /// Levels whose completed partitions read Meta, and those answered from PostgreSQL (a whole level replayed) with when
    /// they were last read from Meta: what the run's last_synced_at and its history say.
    /// </summary>
    public static (List<EntityLevel> Read, Dictionary<EntityLevel, DateTimeOffset> Reused) LevelSources(AccountSyncState s)
    {
        var read = new List<EntityLevel>();
        var reused = new Dictionary<EntityLevel, DateTimeOffset>();
        foreach (var level in Levels)
        {
            var partitions = s.Ledger.Entities.Values.Where(p => p.Level == level).ToList();
            if (partitions.Count == 0 || !partitions.All(p => p.Done))
            {
                continue;
            }

            var readAt = partitions.Select(p => p.Attempts[p.CompletedBy!.Value].ReadAt).Where(r => r is not null).Min();
            if (readAt is { } at)
            {
                reused[level] = at;
            }
            else
            {
                read.Add(level);
            }
        }

        return (read, reused);
    }

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

    /// <summary>
    /// The run's start as its fetch commands carry it: the fetchers let no write of an older run win over a newer one's.
    /// In whole microseconds, as PostgreSQL keeps it, so a command sent again after the saga was reloaded carries the same.
    /// </summary>
    public static DateTimeOffset RunStartedAt(AccountSyncState s) => s.StartedAt is { } t ? InMicroseconds(t) : default;

    public static DateTimeOffset InMicroseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    public static IEnumerable<FetchEntities> PartitionsNotDone(AccountSyncState s) =>
        s.Ledger.Entities.Where(p => !p.Value.Done).Select(p => Command(s, p.Key));

    public static IEnumerable<FetchInsightsBatch> Outstanding(AccountSyncState s) =>
        s.Ledger.Insights.Where(r => r.Value.Status == InsightReadStatus.Outstanding)
            .Select(r => InsightCommand(s, r.Key, r.Value));

    /// <summary>The command that reads the ledger's partition <paramref name="id"/>.</summary>
    public static FetchEntities Command(AccountSyncState s, Guid id) => Command(s, id, s.Ledger.Entities[id]);

    static FetchEntities Command(AccountSyncState s, Guid id, EntityPartitionRead read) =>
        new(s.RunId!.Value, s.AccountId, read.Level, s.Force, RunStartedAt(s), read.Partition, id, read.UpdatedSince, read.LooksUpRemovals);

    /// <summary>Adds an insight read to a run in flight (under an id fixed by the run) and returns its command.</summary>
    public static FetchInsightsBatch AddInsightRead(AccountSyncState s, Guid id, InsightRead read)
    {
        s.Ledger.Insights[id] = read;
        s.BatchesSent++;
        return InsightCommand(s, id, read);
    }

    /// <summary>The command that asks for the ledger's insight read <paramref name="id"/>.</summary>
    public static FetchInsightsBatch InsightCommand(AccountSyncState s, Guid id, InsightRead read) =>
        new(s.RunId!.Value, s.AccountId, id, read.Level, s.DatePreset, read.Partition, RunStartedAt(s), read.Daily);
}
