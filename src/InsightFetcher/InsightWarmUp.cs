using MetaAdsSync.Contracts;
using MetaAdsSync.Fetching;
using MetaAdsSync.GraphApi;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MetaAdsSync.InsightFetcher;

/// <summary>A row of each level written as <see cref="InsightSync"/> writes a preset read and a daily read.</summary>
sealed class InsightWarmUp(NpgsqlDataSource database, HealthCheckService health, GraphPathWarmUp graph, TimeProvider time, ILogger<InsightWarmUp> logger)
    : StorePathWarmUp(database, health, graph, logger)
{
    protected override (bool Entities, bool Insights) Reads => (false, true);

    protected override async Task WriteAsync(NpgsqlConnection connection, int writer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var level in (EntityLevel[])[EntityLevel.Campaign, EntityLevel.AdSet, EntityLevel.Ad])
        {
            MetaInsight row = new(MadeUpId(writer), level, day, day, 1, 1, 1, 1m, 1m, 1m, 1m, 1m, "[]");
            await StorageRows.UpsertInsightsAsync(connection, NoAccount, level, "last_7d", [row], now, Guid.Empty, now, cancellationToken);
            await StorageRows.UpsertDailyInsightsAsync(connection, NoAccount, level, [row], now, Guid.Empty, now, cancellationToken);
        }
    }
}
