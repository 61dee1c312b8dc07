using MetaAdsSync.Contracts;
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
/// </summary>
public static class NewCampaignReads
{
    public static (IReadOnlyList<FetchEntities> Entities, IReadOnlyList<FetchInsightsBatch> Insights) Add(AccountSyncState s, EntitiesFetched page, int maxIds)
    {
        if (page.Level != EntityLevel.Campaign || page.CampaignIds is not { Count: > 0 } listed || s.Ledger.KnownCampaigns is not { } known)
        {
            return ([], []);
        }

        var created = listed.Where(id => !known.Contains(id)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (created.Count == 0)
        {
            return ([], []);
        }

        known.UnionWith(created);
        var run = s.RunId!.Value;
        var key = $"{created[0]}/{created.Count}";
        var chunks = created.Chunk(maxIds).Select(ids => new Partition(PartitionKind.Campaigns, ids)).ToList();
        var entities = new List<FetchEntities>();
        foreach (var level in s.Ledger.Entities.Values.Where(p => IsSplit(p.Partition) && !p.Follows).Select(p => p.Level).Distinct().ToList())
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var id = AccountCorrelation.Batch(run, $"{level}/new-campaigns/{key}", i);
                s.Ledger.Entities[id] = new EntityPartitionRead { Level = level, Partition = chunks[i] };
                entities.Add(RunProgress.Command(s, id));
            }
        }

        var insights = new List<FetchInsightsBatch>();
        foreach (var (level, daily) in s.Ledger.Insights.Values.Where(r => IsSplit(r.Partition)).Select(r => (r.Level, r.Daily)).Distinct().ToList())
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var id = AccountCorrelation.Batch(run, $"{level}/{daily?.Key(level)}/new-campaigns/{key}", i);
                var read = new InsightRead { Level = level, Partition = chunks[i], Daily = daily };
                s.Ledger.Insights[id] = read;
                s.BatchesSent++;
                insights.Add(RunProgress.InsightCommand(s, id, read));
            }
        }

        return (entities, insights);
    }

    static bool IsSplit(Partition partition) => partition.Kind == PartitionKind.Campaigns;
}
