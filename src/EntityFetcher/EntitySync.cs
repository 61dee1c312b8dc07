using MetaAdsSync.Fetching;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Storage.Upserts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.EntityFetcher;

/// <summary>
/// Copies one entity level of an account into PostgreSQL, page by page: each page is upserted in one statement and
/// then announced, so insights for early pages can start while later pages are still being read. The last page
/// completes the level (<see cref="RemovedObjects.CompleteLevelAsync"/>: what the read did not return is marked
/// removed) and the reasons are looked up before it is announced. A level read completely within
/// <c>Sync:EntityMaxAge</c> is answered from PostgreSQL without a Graph call unless forced, and marks nothing. An
/// incremental read (<see cref="FetchEntities.UpdatedSince"/>) stores what changed and completes nothing. Pages of
/// campaigns and ad sets name the objects whose status changed, so the saga can re-read their children.
/// </summary>
public sealed class EntitySync(
    IMetaGraphClient graph,
    RemovalReasons removals,
    NpgsqlDataSource database,
    IOptions<SyncOptions> sync,
    TimeProvider time,
    ILogger<EntitySync> logger)
{
    const int StoredPageSize = 500;

    public async Task RunAsync(FetchEntities command, Func<EntitiesFetched, Task> pageDone, CancellationToken cancellationToken)
    {
        var account = MetaLevels.AccountNode(command.AccountId);
        var attempt = Guid.NewGuid();
        var partition = command.Reads();
        // Only a whole level is answered from PostgreSQL: the planner cuts no level it expects to be replayed, nor reads it incrementally.
        if (partition.Kind == PartitionKind.WholeLevel && command.UpdatedSince is null && !command.Force && await FreshSinceAsync(account, command.Level, cancellationToken) is { } readAt)
        {
            logger.LogInformation("{Account} {Level}: read completely within Sync:EntityMaxAge ({MaxAge}); answering from PostgreSQL",
                account, command.Level, sync.Value.EntityMaxAge);
            await ReplayStoredAsync(command, account, attempt, readAt, pageDone, cancellationToken);
            return;
        }

        // The next page's Graph call runs while this page is stored and announced: paging is the critical path.
        using var readAhead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var pages = graph.GetEntitiesAsync(account, command.Level, partition, readAhead.Token, sync.Value.IncludeArchived, command.UpdatedSince)
            .GetAsyncEnumerator(readAhead.Token);
        var more = await pages.MoveNextAsync();
        while (more)
        {
            var page = pages.Current;
            var next = page.IsLast ? ValueTask.FromResult(false) : pages.MoveNextAsync();
            try
            {
                var (lookups, statusChanged) = await StoreAsync(command, account, page, cancellationToken);
                if (page.SkippedWithoutId > 0 || page.Warnings.Count > 0)
                {
                    logger.LogWarning("{Account} {Level} page {Page}: skipped {Skipped} row(s) without an id; {Warnings}",
                        account, command.Level, page.Number, page.SkippedWithoutId, page.Warnings);
                }

                await pageDone(new EntitiesFetched(command.RunId, command.AccountId, command.Level, page.Number, page.IsLast,
                    page.Entities.Count, page.Entities.Where(e => e.IsEligibleForInsights).Select(e => e.Id).ToList(), page.GraphCalls + lookups,
                    attempt, PartitionId: command.PartitionId, StatusChangedIds: statusChanged, CampaignIds: CampaignIds(command, page.Entities.Select(e => e.Id))));
            }
            catch
            {
                // Storing failed: stop the read-ahead and let the store's failure be the one that counts.
                await readAhead.CancelAsync();
                try
                {
                    await next;
                }
                catch (Exception ex) when (ex is OperationCanceledException or GraphApiException)
                {
                }

                throw;
            }

            more = await next;
        }
    }

    /// <summary>A campaign page names its campaigns: the saga adds reads for those its plan did not know.</summary>
    static List<string>? CampaignIds(FetchEntities command, IEnumerable<string> ids) => command.Level == EntityLevel.Campaign ? ids.ToList() : null;

    /// <summary>When the level was last read completely, if that is within <c>Sync:EntityMaxAge</c>; otherwise null.</summary>
    async Task<DateTimeOffset?> FreshSinceAsync(string account, EntityLevel level, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var last = await EntityUpserts.LastFullSyncAsync(connection, account, level, cancellationToken);
        return last is not null && time.GetUtcNow() - last.Value < sync.Value.EntityMaxAge ? last : null;
    }

    /// <summary>
    /// Stores a page; the last page of a whole level read fully completes it. Returns the Graph calls spent looking up
    /// why objects left, and the parents whose status changed (null for ads). The last page of a partition ends only
    /// that partition: the run completes the level once it saw every partition done (PostgresRunHistory), and the
    /// reasons of what that marked are looked up at the level's next read (by the partition that looks them up, or at the
    /// end of a whole read). An incremental read completes nothing and looks nothing up.
    /// </summary>
    async Task<(int Lookups, IReadOnlyList<string>? StatusChanged)> StoreAsync(
        FetchEntities command, string account, EntityPage page, CancellationToken cancellationToken)
    {
        var completes = page.IsLast && command.Reads().Kind == PartitionKind.WholeLevel && command.UpdatedSince is null;
        IReadOnlyList<string> removed;
        IReadOnlyList<string>? statusChanged;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            (statusChanged, removed) = await WritePageAsync(connection, account, command.Level, page.Entities, completes, command.RunId, command.RunStartedAt,
                time.GetUtcNow(), cancellationToken);
        }

        // Reasons are looked up once per full read of a level: at its end when read whole; when read in partitions, by the
        // one partition the plan names, so concurrent partitions do not ask Meta for the same ids.
        if (!page.IsLast || command.UpdatedSince is not null || (command.Reads().Kind != PartitionKind.WholeLevel && !command.LooksUpRemovals))
        {
            return (0, statusChanged);
        }

        if (removed.Count > 0)
        {
            logger.LogInformation("{Account} {Level}: {Count} object(s) no longer listed by Meta, marked removed", account, command.Level, removed.Count);
        }

        return (await removals.RecordAsync(account, command.Level, cancellationToken), statusChanged);
    }

    /// <summary>
    /// Writes a page on <paramref name="connection"/> in one batch, one round trip, one implicit transaction (or the
    /// connection's open one: the start-up warm-up rolls its page back): the status comparison (before the upsert: with
    /// the copy it replaces), the page, and when it <paramref name="completes"/> the level its mark and the removal marks,
    /// all committed together before the saga hears of the page. Returns the parents whose status changed (null for ads)
    /// and what the completion marked removed.
    /// </summary>
    public static async Task<(IReadOnlyList<string>? StatusChanged, IReadOnlyList<string> Removed)> WritePageAsync(
        NpgsqlConnection connection, string account, EntityLevel level, IReadOnlyList<MetaEntity> entities, bool completes, Guid runId,
        DateTimeOffset runStartedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var comparesStatus = level != EntityLevel.Ad && entities.Count > 0;
        IReadOnlyList<string> removed = [];
        IReadOnlyList<string>? statusChanged = level != EntityLevel.Ad ? [] : null;
        await using var batch = new NpgsqlBatch(connection);
        if (comparesStatus)
        {
            batch.BatchCommands.Add(EntityUpserts.StatusChanged(level, entities.Select(e => (e.Id, e.Status, e.EffectiveStatus)).ToList(), runId));
        }

        var upsert = StorageRows.UpsertEntities(account, level, entities, now, runId, runStartedAt);
        if (upsert is not null)
        {
            batch.BatchCommands.Add(upsert);
        }

        if (completes)
        {
            batch.BatchCommands.Add(RemovedObjects.CompleteLevel(account, level, runId, runStartedAt, now));
        }

        if (batch.BatchCommands.Count > 0)
        {
            // Each statement returns a result, in order: the ids whose status changed, the upsert's count of rows
            // written (BulkUpsert.WrittenCount, not needed here), the ids marked removed.
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (comparesStatus)
            {
                statusChanged = await EntityUpserts.IdsAsync(reader, cancellationToken);
                await reader.NextResultAsync(cancellationToken);
            }

            if (upsert is not null)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            if (completes)
            {
                removed = await EntityUpserts.IdsAsync(reader, cancellationToken);
            }
        }

        return (statusChanged, removed);
    }

    // A connection per page read, none held while a page is announced: the announcement waits on the broker.
    async Task ReplayStoredAsync(
        FetchEntities command, string account, Guid attempt, DateTimeOffset readAt, Func<EntitiesFetched, Task> pageDone, CancellationToken cancellationToken)
    {
        var page = await ReadStoredPageAsync(account, command.Level, null, cancellationToken);
        var number = 1;
        while (true)
        {
            // Reads one page ahead, so that the last page goes out marked as the last.
            var next = page.Count < StoredPageSize ? [] : await ReadStoredPageAsync(account, command.Level, page[^1].Id, cancellationToken);
            var isLast = next.Count == 0;
            await pageDone(new EntitiesFetched(command.RunId, command.AccountId, command.Level, number, isLast, page.Count,
                page.Where(e => InsightEligibility.IsEligible(e.EffectiveStatus)).Select(e => e.Id).ToList(), GraphCalls: 0, attempt, readAt,
                command.PartitionId, CampaignIds: CampaignIds(command, page.Select(e => e.Id))));
            if (isLast)
            {
                return;
            }

            page = next;
            number++;
        }
    }

    async Task<IReadOnlyList<StoredEntity>> ReadStoredPageAsync(string account, EntityLevel level, string? afterId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await EntityUpserts.ReadPageAsync(connection, account, level, afterId, StoredPageSize, cancellationToken);
    }
}
