using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Planning;

/// <summary>
/// Cuts one level's read into partitions of about one page each by campaign (Meta's <c>campaign.id IN</c>). Every known
/// campaign is in exactly one IN list, so the partitions are disjoint and cover the known campaigns whatever moved
/// between them. Campaigns created since the shape was known are the run's to add once its campaign read names them
/// (<c>NewCampaignReads</c>): that costs a call only when there are some. Only a run that does not read campaigns from
/// Meta (replayed from PostgreSQL) asks for a remainder partition up front (<c>NOT_IN</c> every known campaign).
/// </summary>
public static class Partitioner
{
    /// <param name="sizes">Each known campaign and how many rows of the level it had.</param>
    /// <param name="pageSize">Rows per page the fetcher reads.</param>
    /// <param name="maxIds">Ids one filter may name, so that no URL grows past ~8 KB.</param>
    /// <param name="maxPartitions">At most this many partitions, the remainder included; below 2 the level is read whole.</param>
    /// <param name="remainder">Whether to add the <c>NOT_IN</c> remainder partition.</param>
    public static IReadOnlyList<Partition> Split(IReadOnlyList<(string Campaign, int Rows)> sizes, int pageSize, int maxIds, int maxPartitions, bool remainder)
    {
        var total = sizes.Sum(s => s.Rows);
        var groupsAllowed = remainder ? maxPartitions - 1 : maxPartitions;
        // One page read whole is already one call; a remainder naming more ids than a URL holds cannot be asked.
        if (total <= pageSize || (remainder && sizes.Count > maxIds) || groupsAllowed < 2)
        {
            return [Partition.WholeLevel];
        }

        // Fewer partitions than pages: each takes several pages' worth (a budget or usage asked for fewer calls at once).
        var target = Math.Max(pageSize, (int)Math.Ceiling(total / (double)groupsAllowed));
        // First fit, largest first: few partitions, each about a page (a campaign larger than a page pages on its own).
        var groups = new List<(List<string> Ids, int Rows)>();
        foreach (var (campaign, size) in sizes.OrderByDescending(s => s.Rows).ThenBy(s => s.Campaign, StringComparer.Ordinal))
        {
            var fit = groups.FindIndex(g => g.Rows + size <= target && g.Ids.Count < maxIds);
            if (fit < 0)
            {
                groups.Add(([campaign], size));
            }
            else
            {
                groups[fit].Ids.Add(campaign);
                groups[fit] = (groups[fit].Ids, groups[fit].Rows + size);
            }
        }

        // Over the bound: the two smallest become one until it holds (never more ids than a URL takes).
        while (groups.Count > groupsAllowed)
        {
            var smallest = groups.OrderBy(g => g.Rows).Take(2).ToList();
            if (smallest[0].Ids.Count + smallest[1].Ids.Count > maxIds)
            {
                return [Partition.WholeLevel];
            }

            groups.Remove(smallest[0]);
            groups.Remove(smallest[1]);
            groups.Add(([.. smallest[0].Ids, .. smallest[1].Ids], smallest[0].Rows + smallest[1].Rows));
        }

        // One group is the whole level read with a filter: read it whole, which also completes it for removals.
        if (groups.Count < 2)
        {
            return [Partition.WholeLevel];
        }

        return
        [
            .. groups.Select(g => new Partition(PartitionKind.Campaigns, g.Ids)),
            .. remainder ? [new Partition(PartitionKind.OtherCampaigns, sizes.Select(s => s.Campaign).ToList())] : Array.Empty<Partition>(),
        ];
    }

    /// <summary>Ids as filters of at most <paramref name="maxIds"/> each, so that no URL grows past ~8 KB: distinct, in ordinal order.</summary>
    public static List<Partition> ByIds(PartitionKind kind, IEnumerable<string> ids, int maxIds) =>
        ids.Distinct().Order(StringComparer.Ordinal).Chunk(maxIds).Select(chunk => new Partition(kind, chunk)).ToList();

    /// <summary>Calls a read of <paramref name="rows"/> takes at <paramref name="pageSize"/> a page (an empty read is one call).</summary>
    public static int Calls(int rows, int pageSize) => Math.Max(1, (int)Math.Ceiling(rows / (double)pageSize));
}
