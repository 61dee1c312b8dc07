using MetaAdsSync.Contracts;
using MetaAdsSync.Fetching;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Storage.Upserts;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MetaAdsSync.EntityFetcher;

/// <summary>A page of each level written as <see cref="EntitySync"/> writes a level's last page (the status comparison, the upsert, the completion), and its freshness read.</summary>
sealed class EntityWarmUp(NpgsqlDataSource database, HealthCheckService health, GraphPathWarmUp graph, TimeProvider time, ILogger<EntityWarmUp> logger)
    : StorePathWarmUp(database, health, graph, logger)
{
    protected override (bool Entities, bool Insights) Reads => (true, false);

    protected override async Task WriteAsync(NpgsqlConnection connection, int writer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var level in (EntityLevel[])[EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad])
        {
            await EntityUpserts.LastFullSyncAsync(connection, NoAccount, level, cancellationToken);
            MetaEntity entity = new(MadeUpId(writer), level, "warm-up", "ACTIVE", "ACTIVE", now, now, CampaignId: "0", AdSetId: "0", CreativeJson: "{}");
            await EntitySync.WritePageAsync(connection, NoAccount, level, [entity], completes: true, Guid.Empty, now, now, cancellationToken);
        }
    }
}
