using MetaAdsSync.Storage;
using Npgsql;

namespace MetaAdsSync.Orchestrator;

/// <summary>
/// Applies the schema before the bus starts (it is registered ahead of MassTransit's hosted service).
/// Waits for PostgreSQL rather than crashing when it is not up yet. Migrates on the session data source: the
/// migrator's advisory lock belongs to a session, which a pool in transaction mode would not keep.
/// </summary>
sealed class SchemaMigrationService(
    [FromKeyedServices(StorageExtensions.SessionDataSource)] NpgsqlDataSource session,
    ILogger<SchemaMigrationService> logger,
    TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await using var db = StorageRegistration.CreateContext(session);
                var applied = await SchemaMigrator.MigrateAsync(db, cancellationToken);
                logger.LogInformation("Schema current; applied {Count} migration(s) now: {Migrations}", applied.Count, string.Join(", ", applied));
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (ex.IsTransient || ex.InnerException is System.Net.Sockets.SocketException)
            {
                logger.LogWarning("PostgreSQL not reachable yet ({Error}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
