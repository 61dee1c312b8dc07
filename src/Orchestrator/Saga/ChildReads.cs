using MetaAdsSync.Contracts;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage;
using MetaAdsSync.Storage.Entities;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>
/// Meta does not touch a child's <c>updated_time</c> when its parent is paused, resumed or archived: only the child's
/// <c>effective_status</c> changes, which an incremental read cannot see. So when a page of campaigns or ad sets names
/// parents whose status changed (<see cref="EntitiesFetched.StatusChangedIds"/>) and the run reads a level below
/// incrementally, the run adds full reads of those parents' children to that level: ad sets and ads by
/// <c>campaign.id IN</c>, ads by <c>adset.id IN</c>. A level is done only once these are done too. Their ids are fixed by
/// the page that caused them, so a redelivered page adds nothing twice; a partition added so adds none (the children of
/// a campaign's changed ad sets are that campaign's ads, already added).
/// </summary>
public static class ChildReads
{
    /// <summary>Adds the child reads of a page of <paramref name="partition"/> to the ledger; returns the commands of those not there before.</summary>
    public static IReadOnlyList<FetchEntities> Add(AccountSyncState s, EntityPartitionRead partition, EntitiesFetched page, int maxIds)
    {
        if (page.StatusChangedIds is not { Count: > 0 } changed || partition.Follows)
        {
            return [];
        }

        var added = new List<FetchEntities>();
        foreach (var (child, kind) in Children(page.Level).Where(c => RunProgress.IsIncremental(s, c.Level)))
        {
            var chunks = Partitioner.ByIds(kind, changed, maxIds);
            for (var i = 0; i < chunks.Count; i++)
            {
                var id = AccountCorrelation.Batch(s.RunId!.Value, $"{page.PartitionId:N}/{page.Attempt:N}/{page.Page}/{child}/children", i);
                if (s.Ledger.Entities.TryAdd(id, new EntityPartitionRead { Level = child, Partition = chunks[i], Follows = true }))
                {
                    added.Add(RunProgress.Command(s, id));
                }
            }
        }

        return added;
    }

    static (EntityLevel Level, PartitionKind Kind)[] Children(EntityLevel parent) => parent switch
    {
        EntityLevel.Campaign => [(EntityLevel.AdSet, PartitionKind.Campaigns), (EntityLevel.Ad, PartitionKind.Campaigns)],
        EntityLevel.AdSet => [(EntityLevel.Ad, PartitionKind.AdSets)],
        _ => [],
    };
}
