using System.Diagnostics;
using MetaAdsSync.GraphApi;
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
    /// How many times the read path runs: as often as the runtime calls a method before it recompiles it at tier 1, so the
    /// code a sync runs once per page (and, on canned pages of <see cref="CannedGraph.RowsPerPage"/> rows, once per row)
    /// is recompiled during the warm-up instead of during the first sync, and readiness waits for those recompiles
    /// (<see cref="ServiceDefaults.JitSettleHold"/>).
    /// </summary>
    const int ReadRounds = ServiceDefaults.JitSettleHold.CallsBeforeTierOne;

    /// <summary>
    /// How many times the write path runs on one connection: the first compiles it, the second takes the branches a first
    /// call skips. Not more: each rolled-back row is a dead row, and on a new database (no live rows yet) more than
    /// autovacuum's 50 made it vacuum the empty table, after which the planner took it for empty (its row count 0) until
    /// the next analyze: the first syncs' upserts ran 5× slower (30 writes of 25 rows, the CPU-bound scale bench,
    /// 2026-12-07: 37.9 against 7.0 ms per ads page).
    /// </summary>
    const int WriteRounds = 2;

    /// <summary>No Meta ad account has this id.</summary>
    protected const string NoAccount = "act_0";

    /// <summary>Which of the Graph client's reads the host makes: entity pages, insight pages (<see cref="GraphPathWarmUp"/>).</summary>
    protected abstract (bool Entities, bool Insights) Reads { get; }

    /// <summary>
    /// Writes the made-up pages on <paramref name="connection"/>, inside the transaction that is rolled back; writers
    /// running at once (<paramref name="writer"/> from 0) write rows of ids of their own, so that none waits for another's key.
    /// </summary>
    protected abstract Task WriteAsync(NpgsqlConnection connection, int writer, CancellationToken cancellationToken);

    /// <summary>The id of <paramref name="writer"/>'s made-up row.</summary>
    protected static string MadeUpId(int writer) => writer.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
            for (var i = 0; i < ReadRounds; i++)
            {
                rows += await graph.ReadAsync(NoAccount, entities, insights, cancellationToken);
            }

            for (var i = 0; i < WriteRounds; i++)
            {
                await WriteRolledBackAsync(0, cancellationToken);
            }

            // Once on as many connections as a sync's first pages take at once: each is a PostgreSQL backend of its own,
            // whose caches of the tables and statements are filled by its first statements.
            await Task.WhenAll(Enumerable.Range(0, StorageWarmUp.Connections).Select(writer => WriteRolledBackAsync(writer, cancellationToken)));

            logger.LogInformation("The read and write paths warmed in {Elapsed} ms: {Rows} canned rows read through the Graph client and the rate gate in {Rounds} round(s), a page of each level written and rolled back {Writes} time(s) and once on each of {Connections} connections",
                watch.ElapsedMilliseconds, rows, ReadRounds, WriteRounds, StorageWarmUp.Connections);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or GraphApi.GraphApiException)
        {
            logger.LogInformation("The read and write paths were not warmed at start: {Error}", ex.Message);
        }
    }

    async Task WriteRolledBackAsync(int writer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await WriteAsync(connection, writer, cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
