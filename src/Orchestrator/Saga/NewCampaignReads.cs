using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// A level read in partitions names the campaigns PostgreSQL knew at the plan (<see cref="RunLedger.KnownCampaigns"/>).
/// Campaigns created since are named by the run's campaign read: a campaign page that lists one the plan did not know
/// adds, to every level read in partitions, a read of that campaign's rows (<c>campaign.id IN</c>, at most
/// <c>Sync:PartitionMaxIds</c> ids each): entities, preset insights, daily insights. So a run pays for new campaigns
/// only when there are some, instead of a <c>NOT_IN</c> remainder call per level that is empty almost always. The
/// campaign partition is done only with the page that adds them, so no level can be done before its additions are
/// planned. A campaign added so becomes known: a page seen again, or another attempt's page listing it, adds nothing.
/// A first sync knows no campaign: its levels read by campaign (<see cref="RunLedger.ByCampaign"/>) get each page's
/// campaigns cut by count into several partitions read at once, and if the whole campaign read named none, one whole
/// read, so that the level is still read (and completed) once.
/// </summary>
public static class NewCampaignReads
{
    public static (IReadOnlyList<FetchEntities> Entities, IReadOnlyList<FetchInsightsBatch> Insights) Add(AccountSyncState s, EntitiesFetched page, int maxIds)
    {
        if (page.Level != EntityLevel.Campaign || s.Ledger.KnownCampaigns is not { } known)
        {
            return ([], []);
        }

        var created = (page.CampaignIds ?? []).Where(id => !known.Contains(id)).Distinct().Order(StringComparer.Ordinal).ToList();
        var entities = new List<FetchEntities>();
        var insights = new List<FetchInsightsBatch>();
        if (created.Count > 0)
        {
            known.UnionWith(created);
            var key = $"{created[0]}/{created.Count}";
            var chunks = Partitioner.ByIds(PartitionKind.Campaigns, created, maxIds);
            var byCampaign = s.Ledger.ByCampaign ?? [];
            foreach (var level in s.Ledger.Entities.Values.Where(p => IsSplit(p.Partition) && !p.Follows && !byCampaign.ContainsKey(p.Level)).Select(p => p.Level).Distinct().ToList())
            {
                entities.AddRange(Plan(s, level, $"{level}/new-campaigns/{key}", chunks, callsPlanned: chunks.Count));
            }

            foreach (var (level, width) in byCampaign)
            {
                var first = !s.Ledger.Entities.Values.Any(p => p.Level == level);
                var cut = ByCount(s.Ledger, created, width, maxIds, first);
                // The plan counted one call for the level's whole read: its first partitions take that one's place.
                entities.AddRange(Plan(s, level, $"{level}/by-campaign/{key}", cut, callsPlanned: cut.Count - (first ? 1 : 0), looksUpRemovals: first));
            }

            foreach (var (level, daily) in s.Ledger.Insights.Values.Where(r => IsSplit(r.Partition)).Select(r => (r.Level, r.Daily)).Distinct().ToList())
            {
                for (var i = 0; i < chunks.Count; i++)
                {
                    var id = AccountCorrelation.Batch(s.RunId!.Value, $"{level}/{daily?.Key(level)}/new-campaigns/{key}", i);
                    insights.Add(RunProgress.AddInsightRead(s, id, new InsightRead { Level = level, Partition = chunks[i], Daily = daily }));
                }

                RunProgress.AddedToPlan(s, level, chunks.Count, insights: true);
            }
        }

        entities.AddRange(WholeWhenNoneNamed(s));
        return (entities, insights);
    }

    /// <summary>Records partitions of the level under ids fixed by the run and <paramref name="key"/>; returns their commands.</summary>
    static List<FetchEntities> Plan(AccountSyncState s, EntityLevel level, string key, List<Partition> partitions, int callsPlanned, bool looksUpRemovals = false)
    {
        var commands = new List<FetchEntities>();
        for (var i = 0; i < partitions.Count; i++)
        {
            var id = AccountCorrelation.Batch(s.RunId!.Value, key, i);
            s.Ledger.Entities[id] = new EntityPartitionRead { Level = level, Partition = partitions[i], LooksUpRemovals = looksUpRemovals && i == 0 };
            commands.Add(RunProgress.Command(s, id));
        }

        RunProgress.AddedToPlan(s, level, partitions.Count, callsPlanned);
        return commands;
    }

    /// <summary>
    /// A page's campaigns cut by count, sizes being unknown: at most <paramref name="width"/> partitions (the account's
    /// allowed concurrency at the plan), as many as the budget's spare calls pay for (the level's first partition is the
    /// sequential read's own call), never more ids in one than <paramref name="maxIds"/> (a URL's length wins over the budget).
    /// </summary>
    static List<Partition> ByCount(RunLedger ledger, List<string> campaigns, int width, int maxIds, bool first)
    {
        var free = first ? 1 : 0;
        var count = Math.Min(width, campaigns.Count);
        if (ledger.SpareCalls is { } spare)
        {
            count = Math.Min(count, spare + free);
        }

        count = Math.Max(count, (campaigns.Count + maxIds - 1) / maxIds);
        if (ledger.SpareCalls is { } left)
        {
            ledger.SpareCalls = Math.Max(0, left - (count - free));
        }

        // Dealt round-robin, so that campaigns listed side by side (created together, often alike) spread over the partitions.
        return Enumerable.Range(0, count)
            .Select(i => new Partition(PartitionKind.Campaigns, campaigns.Where((_, j) => j % count == i).ToList()))
            .ToList();
    }

    /// <summary>
    /// Once the campaign read is done: a level read by campaign that no page gave a partition (the account has no
    /// campaign, or the read was answered by a fetcher that does not list them) is read whole, once, as a sequential
    /// read would, so the level is read and completed all the same.
    /// </summary>
    static List<FetchEntities> WholeWhenNoneNamed(AccountSyncState s)
    {
        if (s.Ledger.ByCampaign is not { } byCampaign || !RunProgress.IsLevelDone(s, EntityLevel.Campaign))
        {
            return [];
        }

        return byCampaign.Keys
            .Where(level => !s.Ledger.Entities.Values.Any(p => p.Level == level))
            .SelectMany(level => Plan(s, level, $"{level}/by-campaign/whole", [Partition.WholeLevel], callsPlanned: 0))
            .ToList();
    }

    static bool IsSplit(Partition partition) => partition.Kind == PartitionKind.Campaigns;
}
