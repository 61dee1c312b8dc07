using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MetaAdsSync.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphApi;

/// <summary>IMetaGraphClient over the transport: paging, page-size halving, and the mapping of Meta's rows to models.</summary>
public sealed partial class MetaGraphClient(
    GraphTransport transport,
    IPageSizeMemory pageSizes,
    IOptions<MetaOptions> options,
    ILogger<MetaGraphClient> logger) : IMetaGraphClient
{
    const string AccountFields = "id,account_id,name,currency,timezone_name,account_status";
    const int SeedParallelism = 10;
    readonly MetaOptions _options = options.Value;

    public async Task<AdAccountsResult> GetAdAccountsAsync(CancellationToken cancellationToken)
    {
        var accounts = new List<MetaAdAccount>();
        var skipped = 0;
        var calls = new CallCounter();
        var scope = new RateScope(null, MetaUseCase.AdsManagement);
        var url = (Uri?)transport.Build("me/adaccounts", [new("fields", AccountFields), new("limit", Limit(_options.CampaignPageSize))]);
        while (url is not null)
        {
            using var doc = await transport.GetAsync(url, scope, calls, cancellationToken);
            foreach (var row in Data(doc))
            {
                var id = MetaJson.String(row, "id");
                if (id is null)
                {
                    skipped++;
                    continue;
                }

                accounts.Add(new MetaAdAccount(id, MetaJson.String(row, "account_id"), MetaJson.String(row, "name"),
                    MetaJson.String(row, "currency"), MetaJson.String(row, "timezone_name"), MetaJson.Int(row, "account_status")));
            }

            url = Next(doc) is { } next ? transport.Follow(next, null) : null;
        }

        return new AdAccountsResult(accounts, calls.Count, skipped);
    }

    public async IAsyncEnumerable<EntityPage> GetEntitiesAsync(
        string accountId, EntityLevel level, Partition partition, [EnumeratorCancellation] CancellationToken cancellationToken, bool includeArchived = false,
        DateTimeOffset? updatedSince = null)
    {
        var node = MetaLevels.AccountNode(accountId);
        var edge = MetaLevels.Edge(level);
        var scope = new RateScope(node, MetaUseCase.AdsManagement);
        var limit = await pageSizes.GetAsync(node, edge, MaximumPageSize(level), cancellationToken);
        List<KeyValuePair<string, string?>> query = [new("fields", MetaLevels.Fields(level)), new("limit", Limit(limit))];
        if (MetaFiltering.Entities(level, partition, includeArchived, updatedSince) is { Count: > 0 } filters)
        {
            query.Add(new("filtering", MetaFiltering.Serialize(filters)));
        }

        var url = (Uri?)transport.Build($"{node}/{edge}", query);
        var number = 0;
        while (url is not null)
        {
            var calls = new CallCounter();
            var (doc, workingLimit) = await GetAdaptiveAsync(url, node, edge, limit, scope, calls, cancellationToken);
            limit = workingLimit;
            var entities = new List<MetaEntity>();
            var skipped = 0;
            var warnings = new Warnings();
            using (doc)
            {
                foreach (var row in Data(doc))
                {
                    if (ReadEntity(row, level, warnings) is { } entity)
                    {
                        entities.Add(entity);
                    }
                    else
                    {
                        skipped++;
                    }
                }

                url = Next(doc) is { } next ? transport.Follow(next, limit) : null;
            }

            number++;
            logger.LogDebug("{Account} {Edge} page {Page}: {Rows} row(s) at limit {Limit}, {Calls} call(s)", node, edge, number, entities.Count, limit, calls.Count);
            yield return new EntityPage(number, entities, url is null, calls.Count, limit, skipped, warnings);
        }
    }

    public Task<InsightsResult> GetInsightsAsync(string accountId, EntityLevel level, Partition partition, string datePreset, CancellationToken cancellationToken) =>
        GetAccountInsightsAsync(accountId, level, [new("date_preset", datePreset)], MetaFiltering.Insights(level, partition), cancellationToken);

    public Task<InsightsResult> GetDailyInsightsAsync(string accountId, EntityLevel level, Partition partition, DailyWindow window, CancellationToken cancellationToken)
    {
        var range = JsonSerializer.Serialize(new { since = Day(window.Since), until = Day(window.Until) });
        return GetAccountInsightsAsync(accountId, level, [new("time_range", range), new("time_increment", "1")], [.. MetaFiltering.Of(partition)], cancellationToken);
    }

    /// <summary>One account-level insights read of a level over a period, every page.</summary>
    async Task<InsightsResult> GetAccountInsightsAsync(
        string accountId, EntityLevel level, IReadOnlyList<KeyValuePair<string, string?>> period, IReadOnlyList<MetaFiltering.Filter> filters, CancellationToken cancellationToken)
    {
        var calls = new CallCounter();
        var warnings = new Warnings();
        var rows = new List<MetaInsight>();
        var skipped = 0;
        var node = MetaLevels.AccountNode(accountId);
        var scope = new RateScope(node, MetaUseCase.AdsInsights);
        var limit = await pageSizes.GetAsync(node, "insights", _options.InsightPageSize, cancellationToken);
        List<KeyValuePair<string, string?>> parameters = [new("level", EntityLevels.Name(level)), .. period, new("fields", MetaLevels.InsightFields(level))];
        if (filters.Count > 0)
        {
            parameters.Add(new("filtering", MetaFiltering.Serialize(filters)));
        }

        parameters.Add(new("limit", Limit(limit)));
        var url = (Uri?)transport.Build($"{node}/insights", parameters);
        while (url is not null)
        {
            var (doc, workingLimit) = await GetAdaptiveAsync(url, node, "insights", limit, scope, calls, cancellationToken);
            limit = workingLimit;
            using (doc)
            {
                skipped += ReadInsights(doc, level, rows, warnings);
                url = Next(doc) is { } next ? transport.Follow(next, limit) : null;
            }
        }

        return new InsightsResult(rows, calls.Count, skipped, warnings);
    }

    public async Task<InsightsResult> GetInsightsPerEntityAsync(string accountId, EntityLevel level, IReadOnlyCollection<string> entityIds, string datePreset, CancellationToken cancellationToken)
    {
        var calls = new CallCounter();
        var warnings = new Warnings();
        var rows = new List<MetaInsight>();
        var skipped = 0;
        var scope = new RateScope(MetaLevels.AccountNode(accountId), MetaUseCase.AdsInsights);
        // The seed's shape: batches of ten concurrent calls.
        await Parallel.ForEachAsync(entityIds, new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism, CancellationToken = cancellationToken }, async (id, token) =>
        {
            var url = (Uri?)transport.Build($"{id}/insights", [new("date_preset", datePreset), new("fields", MetaLevels.InsightFields(level))]);
            var found = new List<MetaInsight>();
            var entityWarnings = new Warnings();
            var entitySkipped = 0;
            while (url is not null)
            {
                using var doc = await transport.GetAsync(url, scope, calls, token);
                entitySkipped += ReadInsights(doc, level, found, entityWarnings);
                url = Next(doc) is { } next ? transport.Follow(next, null) : null;
            }

            lock (rows)
            {
                rows.AddRange(found);
                skipped += entitySkipped;
                foreach (var w in entityWarnings.First)
                {
                    warnings.Add(w);
                }
            }
        });
        return new InsightsResult(rows, calls.Count, skipped, warnings);
    }

    async Task<(JsonDocument Doc, int Limit)> GetAdaptiveAsync(Uri url, string node, string edge, int limit, RateScope scope, CallCounter calls, CancellationToken cancellationToken)
    {
        var asked = limit;
        while (true)
        {
            try
            {
                var doc = await transport.GetAsync(transport.Follow(url.ToString(), limit), scope, calls, cancellationToken);
                if (limit < asked)
                {
                    await pageSizes.RememberAsync(node, edge, limit, cancellationToken);
                }

                return (doc, limit);
            }
            catch (GraphApiException ex) when (ex.Error.Kind != GraphErrorKind.PayloadTooLarge)
            {
                ex.GraphCalls = calls.Count;
                throw;
            }
            catch (GraphApiException ex) when (ex.Error.Kind == GraphErrorKind.PayloadTooLarge)
            {
                var smaller = limit / 2;
                if (smaller < _options.MinPageSize)
                {
                    throw new GraphApiException(ex.Error,
                        $"{edge} of {node} is still too much data at limit {limit}; not going below Meta:MinPageSize ({_options.MinPageSize})", ex)
                    {
                        GraphCalls = calls.Count,
                    };
                }

                logger.LogInformation("{Account} {Edge}: Meta asked for less data at limit {Limit}; retrying the same cursor at {Smaller}", node, edge, limit, smaller);
                limit = smaller;
            }
        }
    }

    int MaximumPageSize(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => _options.CampaignPageSize,
        EntityLevel.AdSet => _options.AdSetPageSize,
        _ => _options.AdPageSize,
    };

    static int ReadInsights(JsonDocument doc, EntityLevel level, List<MetaInsight> rows, Warnings warnings)
    {
        var skipped = 0;
        var idField = MetaLevels.IdField(level);
        foreach (var row in Data(doc))
        {
            var id = MetaJson.String(row, idField);
            if (id is null)
            {
                skipped++;
                continue;
            }

            var start = MetaJson.Date(row, "date_start", id, warnings);
            var stop = MetaJson.Date(row, "date_stop", id, warnings);
            if (start is null || stop is null)
            {
                // Dates are part of the row's key: without them it cannot be stored.
                skipped++;
                continue;
            }

            rows.Add(new MetaInsight(id, level, start.Value, stop.Value,
                MetaJson.Long(row, "impressions", id, warnings),
                MetaJson.Long(row, "reach", id, warnings),
                MetaJson.Long(row, "clicks", id, warnings),
                MetaJson.Decimal(row, "spend", id, warnings),
                MetaJson.Decimal(row, "ctr", id, warnings),
                MetaJson.Decimal(row, "cpc", id, warnings),
                MetaJson.Decimal(row, "cpm", id, warnings),
                MetaJson.Decimal(row, "frequency", id, warnings),
                MetaJson.Json(row, "actions", JsonValueKind.Array, id, warnings)));
        }

        return skipped;
    }

    static MetaEntity? ReadEntity(JsonElement row, EntityLevel level, Warnings warnings)
    {
        var id = MetaJson.String(row, "id");
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var name = MetaJson.String(row, "name");
        var status = MetaJson.String(row, "status");
        var effectiveStatus = MetaJson.String(row, "effective_status");
        var created = MetaJson.Time(row, "created_time", id, warnings);
        var updated = MetaJson.Time(row, "updated_time", id, warnings);
        // One record per row, each level's fields given at once (a `with` copy per row was a second allocation of it).
        return level switch
        {
            EntityLevel.Campaign => new MetaEntity(id, level, name, status, effectiveStatus, created, updated,
                Objective: MetaJson.String(row, "objective"),
                DailyBudget: MetaJson.Long(row, "daily_budget", id, warnings),
                LifetimeBudget: MetaJson.Long(row, "lifetime_budget", id, warnings)),
            EntityLevel.AdSet => new MetaEntity(id, level, name, status, effectiveStatus, created, updated,
                CampaignId: MetaJson.String(row, "campaign_id"),
                DailyBudget: MetaJson.Long(row, "daily_budget", id, warnings),
                LifetimeBudget: MetaJson.Long(row, "lifetime_budget", id, warnings)),
            _ => new MetaEntity(id, level, name, status, effectiveStatus, created, updated,
                CampaignId: MetaJson.String(row, "campaign_id"),
                AdSetId: MetaJson.String(row, "adset_id"),
                CreativeJson: MetaJson.Json(row, "creative", JsonValueKind.Object, id, warnings)),
        };
    }

    static IEnumerable<JsonElement> Data(JsonDocument doc) =>
        doc.RootElement.ValueKind == JsonValueKind.Object
        && doc.RootElement.TryGetProperty("data", out var data)
        && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    // The only end signal is a missing next: short pages and a present cursors.after mean nothing.
    static string? Next(JsonDocument doc) =>
        doc.RootElement.ValueKind == JsonValueKind.Object
        && doc.RootElement.TryGetProperty("paging", out var paging)
        && paging.ValueKind == JsonValueKind.Object
            ? MetaJson.String(paging, "next") is { Length: > 0 } next ? next : null
            : null;

    static string Limit(int limit) => limit.ToString(CultureInfo.InvariantCulture);

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
