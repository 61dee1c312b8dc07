using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MetaAdsSync.Storage;

/// <summary>Ready when PostgreSQL answers and every migration this build knows is applied.</summary>
sealed class SchemaHealthCheck(IDbContextFactory<SyncDbContext> contexts) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return await SchemaMigrator.IsSchemaCurrentAsync(db, cancellationToken)
                ? HealthCheckResult.Healthy("schema current")
                : HealthCheckResult.Unhealthy("schema not yet migrated");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database unreachable: " + ex.GetType().Name);
        }
    }
}
