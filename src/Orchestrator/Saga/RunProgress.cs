using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>An insight batch sent and not yet answered: what the watchdog needs to send it again.</summary>
public sealed record OutstandingBatch(EntityLevel Level, IReadOnlyList<string> Ids);

/// <summary>
/// The bookkeeping of one run on <see cref="AccountSyncState"/>: which pages were counted, which eligible ids
/// wait for a batch, which batches are out. Every method is idempotent: events arrive at least once.
/// </summary>
public static class RunProgress
{
    static readonly EntityLevel[] Levels = [EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad];

    public static void Start(AccountSyncState s, SyncAccountRequested request, DateTimeOffset now)
    {
        s.AccountId = request.AccountId;
        s.RunId = request.RunId;
        s.DatePreset = request.DatePreset;
        s.Trigger = request.Trigger.ToString();
        s.Force = request.Force;
        s.StartedAt = now;
        s.LastProgressAt = now;
        s.FinishedAt = null;
        s.Redrives = 0;
        s.Campaigns = s.AdSets = s.Ads = s.Eligible = s.GraphCalls = s.BatchesSent = 0;
        s.LevelsDone = [];
        s.PagesSeen = [];
        s.PendingCampaignIds = [];
        s.PendingAdSetIds = [];
        s.PendingAdIds = [];
        s.BatchesSucceeded = [];
        s.BatchesFailed = [];
        s.OutstandingBatches = "{}";
        s.Outcome = null;
        s.Error = null;
    }

    /// <summary>Counts a page once; returns the insight batches it completes (full ones, or the rest on a level's end).</summary>
    public static IReadOnlyList<FetchInsightsBatch> RecordPage(AccountSyncState s, EntitiesFetched page, int batchSize, DateTimeOffset now)
    {
        var key = $"{page.Level}:{page.Page}";
        if (s.PagesSeen.Contains(key))
        {
            return [];
        }

        s.PagesSeen.Add(key);
        if (page.IsLastPage)
        {
            s.LevelsDone.Add($"{page.Level}={page.Page}");
        }

        switch (page.Level)
        {
            case EntityLevel.Campaign: s.Campaigns += page.Count; break;
            case EntityLevel.AdSet: s.AdSets += page.Count; break;
            default: s.Ads += page.Count; break;
        }

        s.Eligible += page.EligibleIds.Count;
        s.GraphCalls += page.GraphCalls;
        s.LastProgressAt = now;

        var pending = Pending(s, page.Level);
        pending.AddRange(page.EligibleIds);
        var batches = new List<FetchInsightsBatch>();
        while (pending.Count >= batchSize || (pending.Count > 0 && IsLevelDone(s, page.Level)))
        {
            var ids = pending.Take(batchSize).ToList();
            pending.RemoveRange(0, ids.Count);
            batches.Add(AddBatch(s, page.Level, ids));
        }

        return batches;
    }

    /// <summary>Records a batch's answer once; false for a duplicate or a batch this run never sent.</summary>
    public static bool RecordBatch(AccountSyncState s, Guid batchId, bool succeeded, int graphCalls, DateTimeOffset now)
    {
        var outstanding = Outstanding(s);
        if (!outstanding.Remove(batchId))
        {
            return false;
        }

        s.OutstandingBatches = JsonSerializer.Serialize(outstanding);
        (succeeded ? s.BatchesSucceeded : s.BatchesFailed).Add(batchId);
        s.GraphCalls += graphCalls;
        s.LastProgressAt = now;
        return true;
    }

    /// <summary>A level is done when its last page and every page before it were counted.</summary>
    public static bool IsLevelDone(AccountSyncState s, EntityLevel level)
    {
        var last = s.LevelsDone.FirstOrDefault(d => d.StartsWith($"{level}=", StringComparison.Ordinal));
        if (last is null)
        {
            return false;
        }

        var pages = int.Parse(last[(last.IndexOf('=', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(1, pages).All(p => s.PagesSeen.Contains($"{level}:{p}"));
    }

    public static IEnumerable<EntityLevel> LevelsNotDone(AccountSyncState s) => Levels.Where(l => !IsLevelDone(s, l));

    public static bool AllLevelsDone(AccountSyncState s) => !LevelsNotDone(s).Any();

    public static bool IsFinished(AccountSyncState s) => AllLevelsDone(s) && Outstanding(s).Count == 0;

    public static Dictionary<Guid, OutstandingBatch> Outstanding(AccountSyncState s) =>
        JsonSerializer.Deserialize<Dictionary<Guid, OutstandingBatch>>(s.OutstandingBatches) ?? [];

    public static FetchInsightsBatch Command(AccountSyncState s, Guid batchId, OutstandingBatch batch) =>
        new(s.RunId!.Value, s.AccountId, batchId, batch.Level, batch.Ids, s.DatePreset, s.Force);

    static FetchInsightsBatch AddBatch(AccountSyncState s, EntityLevel level, List<string> ids)
    {
        var batchId = AccountCorrelation.Batch(s.RunId!.Value, level.ToString(), s.BatchesSent++);
        var outstanding = Outstanding(s);
        var batch = new OutstandingBatch(level, ids);
        outstanding[batchId] = batch;
        s.OutstandingBatches = JsonSerializer.Serialize(outstanding);
        return Command(s, batchId, batch);
    }

    static List<string> Pending(AccountSyncState s, EntityLevel level) => level switch
    {
        EntityLevel.Campaign => s.PendingCampaignIds,
        EntityLevel.AdSet => s.PendingAdSetIds,
        _ => s.PendingAdIds,
    };
}
