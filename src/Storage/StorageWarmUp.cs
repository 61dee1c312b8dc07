using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetaAdsSync.Storage;

/// <summary>
/// Opens a few pooled PostgreSQL connections before the host takes messages, so the first sync after a start does
/// not pay each connection's handshake and authentication on its critical path (a run's first page, its first rate-gate
/// statement and its first upsert all want one at once). Never stops the host: a database that is not up yet is
/// the readiness check's business.
/// </summary>
public sealed class StorageWarmUp(NpgsqlDataSource database, ILogger<StorageWarmUp> logger) : IHostedService
{
    /// <summary>About what one sync's first second asks for at once in one process.</summary>
    public const int Connections = 4;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
            }));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogInformation("PostgreSQL connections not warmed at start: {Error}", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
