using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.Storage.Upserts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.EntityFetcher;

/// <summary>
/// Copies one entity level of an account into PostgreSQL, page by page: each page is upserted in one statement and
/// then announced, so insights for early pages can start while later pages are still being read. A level read
/// completely within <c>Sync:EntityMaxAge</c> is answered from PostgreSQL without a Graph call unless forced.
/// </summary>
public sealed class EntitySync(
    IMetaGraphClient graph,
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
        if (!command.Force && await IsFreshAsync(account, command.Level, cancellationToken))
        {
            logger.LogInformation("{Account} {Level}: read completely within Sync:EntityMaxAge ({MaxAge}); answering from PostgreSQL",
                account, command.Level, sync.Value.EntityMaxAge);
            await ReplayStoredAsync(command, account, attempt, pageDone, cancellationToken);
            return;
        }

        await foreach (var page in graph.GetEntitiesAsync(account, command.Level, cancellationToken))
        {
            await StoreAsync(command, account, page, cancellationToken);
            if (page.SkippedWithoutId > 0 || page.Warnings.Count > 0)
            {
                logger.LogWarning("{Account} {Level} page {Page}: skipped {Skipped} row(s) without an id; {Warnings}",
                    account, command.Level, page.Number, page.SkippedWithoutId, page.Warnings);
            }

            await pageDone(new EntitiesFetched(command.RunId, command.AccountId, command.Level, page.Number, page.IsLast,
                page.Entities.Count, page.Entities.Where(e => e.IsEligibleForInsights).Select(e => e.Id).ToList(), page.GraphCalls, attempt));
        }
    }

    async Task<bool> IsFreshAsync(string account, EntityLevel level, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var last = await EntityUpserts.LastFullSyncAsync(connection, account, level, cancellationToken);
        return last is not null && time.GetUtcNow() - last.Value < sync.Value.EntityMaxAge;
    }

    async Task StoreAsync(FetchEntities command, string account, EntityPage page, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        switch (command.Level)
        {
            case EntityLevel.Campaign:
                await EntityUpserts.UpsertCampaignsAsync(connection, page.Entities.Select(e => Fill(new Campaign
                {
                    Id = e.Id, AccountId = account, Objective = e.Objective, DailyBudget = e.DailyBudget, LifetimeBudget = e.LifetimeBudget,
                }, e, now, command.RunId)), cancellationToken);
                break;
            case EntityLevel.AdSet:
                await EntityUpserts.UpsertAdSetsAsync(connection, page.Entities.Select(e => Fill(new AdSet
                {
                    Id = e.Id, AccountId = account, CampaignId = e.CampaignId, DailyBudget = e.DailyBudget, LifetimeBudget = e.LifetimeBudget,
                }, e, now, command.RunId)), cancellationToken);
                break;
            default:
                await EntityUpserts.UpsertAdsAsync(connection, page.Entities.Select(e => Fill(new Ad
                {
                    Id = e.Id, AccountId = account, CampaignId = e.CampaignId, AdSetId = e.AdSetId, Creative = e.CreativeJson,
                }, e, now, command.RunId)), cancellationToken);
                break;
        }

        // Marked before the last page is announced: once the saga hears the level is done, the mark is there.
        if (page.IsLast)
        {
            await EntityUpserts.MarkLevelSyncedAsync(connection, account, command.Level, now, command.RunId, cancellationToken);
        }
    }

    static T Fill<T>(T row, MetaEntity e, DateTimeOffset now, Guid runId) where T : AdEntity
    {
        row.Name = e.Name;
        row.Status = e.Status;
        row.EffectiveStatus = e.EffectiveStatus;
        row.CreatedTime = e.CreatedTime;
        row.UpdatedTime = e.UpdatedTime;
        row.SyncedAt = now;
        row.LastRunId = runId;
        return row;
    }

    async Task ReplayStoredAsync(FetchEntities command, string account, Guid attempt, Func<EntitiesFetched, Task> pageDone, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var page = await EntityUpserts.ReadPageAsync(connection, account, command.Level, null, StoredPageSize, cancellationToken);
        var number = 1;
        while (true)
        {
            // Reads one page ahead, so that the last page goes out marked as the last.
            var next = page.Count < StoredPageSize
                ? []
                : await EntityUpserts.ReadPageAsync(connection, account, command.Level, page[^1].Id, StoredPageSize, cancellationToken);
            var isLast = next.Count == 0;
            await pageDone(new EntitiesFetched(command.RunId, command.AccountId, command.Level, number, isLast, page.Count,
                page.Where(e => MetaEntity.IsEligible(e.EffectiveStatus)).Select(e => e.Id).ToList(), GraphCalls: 0, attempt));
            if (isLast)
            {
                return;
            }

            page = next;
            number++;
        }
    }
}
