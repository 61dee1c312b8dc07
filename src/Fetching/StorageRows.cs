using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Storage.Entities;
using MetaAdsSync.Storage.Upserts;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>
/// What the Graph client read, as the rows PostgreSQL keeps: one mapping and one write per kind, for the fetchers,
/// the Gateway's accounts refresh and the benchmark's seed baseline.
/// </summary>
public static class StorageRows
{
    /// <summary>
    /// Upserts one page of a level's entities in one statement, as seen by the run that started at
    /// <paramref name="runStartedAt"/> (a row a later run wrote is left alone).
    /// </summary>
    public static Task<int> UpsertEntitiesAsync(
        NpgsqlConnection connection, string account, EntityLevel level, IEnumerable<MetaEntity> entities, DateTimeOffset now, Guid runId,
        DateTimeOffset runStartedAt, CancellationToken cancellationToken) =>
        EntityUpserts.ExecuteAsync(connection, UpsertEntities(account, level, entities, now, runId, runStartedAt), cancellationToken);

    /// <summary><see cref="UpsertEntitiesAsync"/> as a statement of a batch; null for an empty page.</summary>
    public static NpgsqlBatchCommand? UpsertEntities(
        string account, EntityLevel level, IEnumerable<MetaEntity> entities, DateTimeOffset now, Guid runId, DateTimeOffset runStartedAt) => level switch
        {
            EntityLevel.Campaign => EntityUpserts.UpsertCampaigns(entities.Select(e => Fill(new Campaign
            {
                Id = e.Id, AccountId = account, Objective = e.Objective, DailyBudget = e.DailyBudget, LifetimeBudget = e.LifetimeBudget,
            }, e, now, runId, runStartedAt))),
            EntityLevel.AdSet => EntityUpserts.UpsertAdSets(entities.Select(e => Fill(new AdSet
            {
                Id = e.Id, AccountId = account, CampaignId = e.CampaignId, DailyBudget = e.DailyBudget, LifetimeBudget = e.LifetimeBudget,
            }, e, now, runId, runStartedAt))),
            _ => EntityUpserts.UpsertAds(entities.Select(e => Fill(new Ad
            {
                Id = e.Id, AccountId = account, CampaignId = e.CampaignId, AdSetId = e.AdSetId, Creative = e.CreativeJson,
            }, e, now, runId, runStartedAt))),
        };

    /// <summary>Upserts insight rows of one level and preset (a row a later run wrote is left alone); returns how many rows were read.</summary>
    public static async Task<int> UpsertInsightsAsync(
        NpgsqlConnection connection, string account, EntityLevel level, string datePreset, IEnumerable<MetaInsight> insights, DateTimeOffset now, Guid runId,
        DateTimeOffset runStartedAt, CancellationToken cancellationToken)
    {
        var levelName = EntityLevels.Name(level);
        var rows = insights.Select(r => Fill(new Insight
        {
            AccountId = account, Level = levelName, EntityId = r.EntityId, DatePreset = datePreset, DateStart = r.DateStart, DateStop = r.DateStop,
            RunStartedAt = runStartedAt,
        }, r, now, runId)).ToList();
        await InsightUpserts.UpsertAsync(connection, rows, cancellationToken);
        return rows.Count;
    }

    /// <summary>Upserts daily rows (one day each, <c>date_start</c> being the day) of one level (a day a later run wrote is left alone); returns how many rows were written.</summary>
    public static async Task<int> UpsertDailyInsightsAsync(
        NpgsqlConnection connection, string account, EntityLevel level, IEnumerable<MetaInsight> insights, DateTimeOffset now, Guid runId,
        DateTimeOffset runStartedAt, CancellationToken cancellationToken)
    {
        var levelName = EntityLevels.Name(level);
        var rows = insights.Select(r => Fill(new DailyInsight
        {
            AccountId = account, Level = levelName, EntityId = r.EntityId, Date = r.DateStart, RunStartedAt = runStartedAt,
        }, r, now, runId)).ToList();
        await DailyInsightUpserts.UpsertAsync(connection, rows, cancellationToken);
        return rows.Count;
    }

    /// <summary>Meta's accounts list into <c>ad_accounts</c>.</summary>
    public static Task<int> UpsertAccountsAsync(NpgsqlConnection connection, IEnumerable<MetaAdAccount> accounts, DateTimeOffset now, CancellationToken cancellationToken) =>
        AccountUpserts.UpsertAsync(connection, accounts.Select(a => new AdAccount
        {
            Id = a.Id,
            Name = a.Name ?? a.Id,
            Currency = a.Currency,
            Timezone = a.TimezoneName,
            AccountStatus = a.AccountStatus,
            RefreshedAt = now,
        }), cancellationToken);

    static T Fill<T>(T row, MetaEntity e, DateTimeOffset now, Guid runId, DateTimeOffset runStartedAt) where T : AdEntity
    {
        row.RunStartedAt = runStartedAt;
        row.Name = e.Name;
        row.Status = e.Status;
        row.EffectiveStatus = e.EffectiveStatus;
        row.CreatedTime = e.CreatedTime;
        row.UpdatedTime = e.UpdatedTime;
        row.SyncedAt = now;
        row.LastRunId = runId;
        return row;
    }

    static T Fill<T>(T row, MetaInsight r, DateTimeOffset now, Guid runId) where T : InsightMetrics
    {
        row.Impressions = r.Impressions;
        row.Reach = r.Reach;
        row.Clicks = r.Clicks;
        row.Spend = r.Spend;
        row.Ctr = r.Ctr;
        row.Cpc = r.Cpc;
        row.Cpm = r.Cpm;
        row.Frequency = r.Frequency;
        row.Actions = r.ActionsJson;
        row.FetchedAt = now;
        row.LastRunId = runId;
        return row;
    }
}
