using System.Diagnostics;
using MetaAdsSync.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>
/// Runs a fetcher's read path (<see cref="GraphPathWarmUp"/>: canned pages through the Graph client and the rate gate)
/// and its write path before its bus starts (it is registered ahead of MassTransit): a made-up page of
/// each level, for an account Meta never names, through the same statements a sync's pages use, on one connection in a
/// transaction that is rolled back. Otherwise the first sync after a start JIT-compiles that path on its critical path:
/// the batches, their readers and Npgsql's and the runtime's generic code over our rows and state machines, which
/// ReadyToRun cannot precompile (an instantiation across assemblies is outside each assembly's version bubble). A
/// fetcher may start before the Orchestrator applied the schema, so it waits for the schema first (the host is not
/// ready without it anyway), at most <see cref="SchemaWait"/>. Leaves nothing behind; never stops the host.
/// </summary>
public abstract class StorePathWarmUp(NpgsqlDataSource database, HealthCheckService health, GraphPathWarmUp graph, ILogger logger) : IHostedService
{
    /// <summary>How long the warm-up, and so the bus's start, waits for the Orchestrator to apply the schema.</summary>
    static readonly TimeSpan SchemaWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many times the paths run. The first run compiles them; the second takes the branches a first call skips (the
    /// gate's rows exist, the pool's connections are open). Not more: 35 rounds (to have the hot code recompiled at tier 1
    /// before the host is ready) made the first sync slower (2ezi --restarts 3: 3.14 s against 2.29 s, hosts ready in 22 s
    /// against 15 s), its background JIT larger: the recompiles were still queued when the sync came.
    /// </summary>
    const int Rounds = 2;

    /// <summary>No Meta ad account has this id.</summary>
    protected const string NoAccount = "act_0";

    /// <summary>Which of the Graph client's reads the host makes: entity pages, insight pages (<see cref="GraphPathWarmUp"/>).</summary>
    protected abstract (bool Entities, bool Insights) Reads { get; }

    /// <summary>Writes the made-up pages on <paramref name="connection"/>, inside the transaction that is rolled back.</summary>
    protected abstract Task WriteAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            if (!await health.WaitForSchemaAsync(SchemaWait, cancellationToken))
            {
                logger.LogInformation("The read and write paths were not warmed at start: the schema was not there within {Wait}", SchemaWait);
                return;
            }

            watch.Restart();
            var (entities, insights) = Reads;
            var rows = 0;
            for (var i = 0; i < Rounds; i++)
            {
                rows += await graph.ReadAsync(NoAccount, entities, insights, cancellationToken);
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await WriteAsync(connection, cancellationToken);
                await transaction.RollbackAsync(cancellationToken);
            }

            logger.LogInformation("The read and write paths warmed in {Elapsed} ms: {Rounds} round(s), {Rows} canned rows read through the Graph client and the rate gate, a page of each level written and rolled back",
                watch.ElapsedMilliseconds, Rounds, rows);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or GraphApi.GraphApiException)
        {
            logger.LogInformation("The read and write paths were not warmed at start: {Error}", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
