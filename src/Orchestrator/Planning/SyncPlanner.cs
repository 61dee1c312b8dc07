using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.Storage.Entities;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Planning;

/// <summary>One entity read a run plans: a level within a partition of its campaigns; with <paramref name="UpdatedSince"/>, only what changed since.</summary>
public sealed record PlannedEntityRead(EntityLevel Level, Partition Partition, DateTimeOffset? UpdatedSince = null);

/// <summary>One insights read a run plans: a level within a partition of its campaigns; with a window, its daily rows.</summary>
public sealed record PlannedInsightRead(EntityLevel Level, Partition Partition, DailyWindow? Daily = null);

/// <summary>
/// What a run reads: each entity level in one or more partitions, the insight reads the account needs, and the plan in
/// brief. <paramref name="KnownCampaigns"/>: the campaigns its partitions name, when it reads levels in partitions
/// without a remainder: the campaign read then names those created since, and the run adds their reads.
/// <paramref name="ByCampaign"/>: a first sync's levels that wait for the campaign read, with the partitions each campaign
/// page's campaigns are cut into; <paramref name="SpareCalls"/>: what the budget leaves for partitions they add (null: no budget).
/// <paramref name="HeldInsights"/>: levels whose preset insights are read only once an entity page of the level names an
/// eligible id (<see cref="SyncPlanner.HoldsInsights"/>).
/// </summary>
public sealed record SyncPlan(
    IReadOnlyList<PlannedEntityRead> Entities, IReadOnlyList<PlannedInsightRead> Insights, RunPlanSummary Summary, IReadOnlyList<string>? KnownCampaigns = null,
    IReadOnlyDictionary<EntityLevel, int>? ByCampaign = null, int? SpareCalls = null, IReadOnlyList<EntityLevel>? HeldInsights = null);

/// <summary>
/// Decides at the start of a run what it reads, from what PostgreSQL knows of the account. Everything goes out at once:
/// insights beside the entity reads (Meta evaluates the allow-list, so they need no entity ids), and a level that last
/// took more than a page is cut into partitions of about a page each by campaign (<see cref="Partitioner"/>), so that
/// competing fetchers read them at once; campaigns created since are read once the run's campaign read names them (a
/// run that replays campaigns from PostgreSQL asks for a <c>NOT_IN</c> remainder instead); a first sync, which knows no
/// campaign to cut by, reads its ads by campaign as its campaign read names them (<see cref="WaitsForCampaigns"/>). How wide is the rate gate's
/// to say: at most as many partitions as the account's key may have calls in flight, fewer from <c>RateGate:ShrinkFromPercent</c> of reported usage, and with a
/// <c>RateGate:CallBudget</c> only what the window's room pays for (a room smaller than a sequential read: sequential).
/// Per level the preset's aggregate and, with <c>Sync:DailyInsightDays</c>, the daily rows of the window ending today in
/// the account's calendar. A level whose preset (or whose window) a run read completely within <c>Sync:InsightMaxAge</c>
/// is left out unless forced; a window is another one once the account's day turns. An entity level is read fully when
/// forced, never read completely, last read fully more than <c>Sync:FullReadEvery</c> ago, or below a level a run left
/// unsettled; otherwise, unless it is replayed, incrementally and whole: what Meta changed since the start of its last
/// read, less <c>Sync:IncrementalMargin</c>.
/// </summary>
public sealed class SyncPlanner(
    IRunHistory history, IAccountShapes shapes, IAccountCalendar calendar, IOptions<SagaOptions> options, IOptions<RateGateOptions> gate, TimeProvider time)
{
    public static readonly IReadOnlyList<EntityLevel> Levels = Enum.GetValues<EntityLevel>();

    public async Task<SyncPlan> PlanAsync(SyncAccountRequested request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var fresh = request.Force
            ? new HashSet<EntityLevel>()
            : await history.InsightLevelsReadSinceAsync(request.AccountId, request.DatePreset, now - o.InsightMaxAge, cancellationToken);
        var shape = await shapes.ReadAsync(request.AccountId, cancellationToken);
        var daily = await DailyWindowAsync(request, now - o.InsightMaxAge, cancellationToken);

        // Each read as one sequential level first; the partitions then spend at most one call each beyond it.
        var reads = new List<LevelRead>();
        var held = new List<EntityLevel>();
        var parentsReplayed = true;
        foreach (var level in Levels)
        {
            // A level the EntityFetcher answers from PostgreSQL (read completely within Sync:EntityMaxAge) costs no call:
            // never cut. Counted so only below replayed levels: a parent read from Meta may name changed statuses
            // whose children must be read (ChildReads), which a replay would not do.
            var replayed = parentsReplayed && !request.Force && shape.LevelsReadAt.TryGetValue(level, out var at) && now - at < o.EntityMaxAge;
            parentsReplayed = replayed;
            // An incremental read is small: read whole, never cut.
            var since = replayed ? null : IncrementalSince(request, shape, level, now);
            reads.Add(new LevelRead(level, Insights: false, shape.Campaigns.Select(c => (c.Id, c.Rows(level))).ToList(),
                PageSize(shape, MetaLevels.Edge(level), o.PartitionSize), CanSplit: level != EntityLevel.Campaign && !replayed && since is null,
                Free: replayed, UpdatedSince: since));
            // A level whose preset insights were read completely within Sync:InsightMaxAge has no insight read.
            if (!fresh.Contains(level))
            {
                if (HoldsInsights(shape, level))
                {
                    held.Add(level);
                }
                else
                {
                    reads.Add(new LevelRead(level, Insights: true, shape.Campaigns.Select(c => (c.Id, c.InsightRows(level))).ToList(),
                        PageSize(shape, "insights", o.PartitionSize), CanSplit: true, Free: false));
                }
            }

            if (daily.Window is { } window && !daily.Read.Contains(window.Key(level)))
            {
                reads.Add(new LevelRead(level, Insights: true, shape.Campaigns.Select(c => (c.Id, shape.DailyRows(level, c.Id))).ToList(),
                    PageSize(shape, "insights", o.PartitionSize), CanSplit: true, Free: false, window));
            }
        }

        // New campaigns are found by the campaign read, unless it is answered from PostgreSQL: then a remainder asks Meta.
        var remainder = reads.Single(r => r.Level == EntityLevel.Campaign && !r.Insights && r.Daily is null).Free;
        var sequential = reads.Sum(r => r.SequentialCalls);
        var spare = SpareCalls(shape, sequential, out var limit);
        var entities = new List<PlannedEntityRead>();
        var insights = new List<PlannedInsightRead>();
        var byCampaign = new Dictionary<EntityLevel, int>();
        var planned = 0;
        foreach (var read in reads)
        {
            var room = read.Insights ? shape.Insights : shape.Entities;
            var width = Math.Min(Width(room, ref limit), spare + 1);
            if (WaitsForCampaigns(shape, read) && Math.Min(width, o.FirstSyncMaxPartitions) is var first and > 1)
            {
                // Read once the campaign read names campaigns, cut by count (NewCampaignReads); the spare calls its
                // first page's partitions may take are kept for them.
                byCampaign[read.Level] = first;
                spare -= first - 1;
                planned += read.SequentialCalls;
                continue;
            }

            var partitions = read.CanSplit ? Partitioner.Split(read.Sizes, read.PageSize, o.PartitionMaxIds, width, remainder) : [Partition.WholeLevel];
            spare -= partitions.Count - 1;
            planned += read.Free ? 0 : partitions.Sum(p => read.Calls(p));
            foreach (var partition in partitions)
            {
                if (read.Insights)
                {
                    insights.Add(new PlannedInsightRead(read.Level, partition, read.Daily));
                }
                else
                {
                    entities.Add(new PlannedEntityRead(read.Level, partition, read.UpdatedSince));
                }
            }
        }

        var incremental = entities.Where(e => e.UpdatedSince is not null).Select(e => e.Level.ToString()).Distinct().ToList();
        var split = entities.Select(e => e.Partition).Concat(insights.Select(i => i.Partition)).Any(p => p.Kind == PartitionKind.Campaigns);
        return new SyncPlan(entities, insights, new RunPlanSummary(
                Count(entities.Select(e => e.Level)), Count(insights.Select(i => i.Level)), planned, limit, incremental.Count > 0 ? incremental : null,
                byCampaign.Count > 0 ? byCampaign.Keys.Select(l => l.ToString()).ToList() : null,
                held.Count > 0 ? held.Select(l => l.ToString()).ToList() : null),
            (split && !remainder) || byCampaign.Count > 0 ? shape.Campaigns.Select(c => c.Id).ToList() : null,
            byCampaign.Count > 0 ? byCampaign : null,
            byCampaign.Count > 0 && gate.Value.CallBudget > 0 ? spare : null,
            held.Count > 0 ? held : null);
    }

    /// <summary>
    /// Whether the level's preset insights wait for its entity read instead of going out at the start: when the level's
    /// last complete read found no entity eligible for insights, its insight read would almost always return nothing
    /// (the seed's "entity only, no insights" for an account with nothing active). So it is held, and sent only once a
    /// page of the level, or of the children read after a parent's status changed, names an eligible id
    /// (<see cref="HeldInsightReads"/>); a run whose read still names none makes no insight call for the level. The
    /// price is one round trip more for an account that has just become active. A first sync knows nothing, and
    /// daily reads have no status filter: neither waits.
    /// </summary>
    public static bool HoldsInsights(AccountShape shape, EntityLevel level) =>
        shape.LevelsReadAt.ContainsKey(level) && shape.Campaigns.All(c => c.InsightRows(level) == 0);

    /// <summary>
    /// Whether a first sync reads the level by campaign instead of whole. With no shape, a whole read of the ads edge
    /// pages one call after another (and its first call may be refused as too much data); waiting for the campaign
    /// read, one call, and reading its campaigns in partitions at once turns that chain into two round trips. The
    /// price: an account whose ads fit one page pays one round trip more than a whole read beside the campaigns would
    /// (a one-campaign account most of all). Only ads wait: ad sets carry no creative, fit a page in all but the largest
    /// accounts and are read whole beside the campaigns, off the ads' critical path and without taking their gate slots.
    /// An account whose ads were read completely before and that has no campaign now is known to be small: its ads are
    /// read whole at the start (waiting would only add the campaign read's round trip to every sync of it).
    /// </summary>
    static bool WaitsForCampaigns(AccountShape shape, LevelRead read) =>
        shape.Campaigns.Count == 0 && !shape.LevelsReadAt.ContainsKey(EntityLevel.Ad) && read is { Level: EntityLevel.Ad, Insights: false, CanSplit: true };

    /// <summary>Where an incremental read of the level starts; null when the level is to be read fully.</summary>
    DateTimeOffset? IncrementalSince(SyncAccountRequested request, AccountShape shape, EntityLevel level, DateTimeOffset now)
    {
        var o = options.Value;
        if (request.Force || o.FullReadEvery == TimeSpan.Zero
            || !shape.LevelsReadAt.TryGetValue(level, out var fullAt) || now - fullAt >= o.FullReadEvery
            || Levels.Any(parent => parent < level && shape.Unsettled?.Contains(parent) == true))
        {
            return null;
        }

        return shape.LevelsLastRead is not null && shape.LevelsLastRead.TryGetValue(level, out var lastRead) ? lastRead - o.IncrementalMargin : null;
    }

    /// <summary>The daily window this run reads (none with Sync:DailyInsightDays 0), and the windows read within Sync:InsightMaxAge.</summary>
    async Task<(DailyWindow? Window, IReadOnlySet<string> Read)> DailyWindowAsync(SyncAccountRequested request, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (options.Value.DailyInsightDays == 0)
        {
            return (null, new HashSet<string>());
        }

        var window = DailyWindow.Last(options.Value.DailyInsightDays, await calendar.TodayAsync(request.AccountId, cancellationToken));
        var read = request.Force ? new HashSet<string>() : await history.DailyLevelsReadSinceAsync(request.AccountId, since, cancellationToken);
        return (window, read);
    }

    /// <summary>Calls the plan may spend beyond a sequential read: unbounded without a budget, the window's room beyond it with one.</summary>
    int SpareCalls(AccountShape shape, int sequential, out string? limit)
    {
        limit = null;
        if (gate.Value.CallBudget <= 0)
        {
            return int.MaxValue - 1;
        }

        var room = gate.Value.CallBudget - (shape.WindowUsed ?? 0);
        if (room < sequential)
        {
            limit = $"budget: {room} call(s) left in the window, a sequential read needs {sequential}; read sequentially";
            return 0;
        }

        if (room - sequential < Levels.Count * 2)
        {
            limit = $"budget: {room} call(s) left in the window";
        }

        return room - sequential;
    }

    /// <summary>Partitions of one read at once: the key's allowed concurrency at the gate, halved from RateGate:ShrinkFromPercent of usage.</summary>
    int Width(AccountRoom room, ref string? limit)
    {
        var allowed = room.AllowedConcurrency ?? gate.Value.InitialConcurrency;
        if (room.UsagePercent >= gate.Value.ShrinkFromPercent)
        {
            limit ??= $"usage {room.UsagePercent:0}% ≥ RateGate:ShrinkFromPercent: fewer, larger partitions";
            allowed /= 2;
        }

        return Math.Max(1, allowed);
    }

    static int PageSize(AccountShape shape, string edge, int assumed) =>
        shape.PageLimits.TryGetValue(edge, out var learned) ? Math.Min(learned, assumed) : assumed;

    static Dictionary<string, int> Count(IEnumerable<EntityLevel> levels) =>
        levels.GroupBy(l => l).ToDictionary(g => g.Key.ToString(), g => g.Count());

    /// <summary>One level's entities, insights or daily insights (with <paramref name="Daily"/>) as the shape sizes them.</summary>
    sealed record LevelRead(
        EntityLevel Level, bool Insights, IReadOnlyList<(string Campaign, int Rows)> Sizes, int PageSize, bool CanSplit, bool Free, DailyWindow? Daily = null,
        DateTimeOffset? UpdatedSince = null)
    {
        // An incremental read is expected to fit one page.
        public int SequentialCalls => Free ? 0 : UpdatedSince is not null ? 1 : Partitioner.Calls(Sizes.Sum(s => s.Rows), PageSize);

        public int Calls(Partition partition) => partition.Kind switch
        {
            PartitionKind.WholeLevel => SequentialCalls,
            PartitionKind.Campaigns => Partitioner.Calls(Sizes.Where(s => partition.CampaignIds.Contains(s.Campaign)).Sum(s => s.Rows), PageSize),
            _ => 1,
        };
    }
}
