using System.Net.Http.Headers;
using System.Text.Json;

namespace MetaAdsSync.GraphApi;

/// <summary>Which of Meta's business-use-case quotas a call spends.</summary>
public enum MetaUseCase
{
    /// <summary>Accounts and the campaign / ad set / ad edges.</summary>
    AdsManagement,
    /// <summary>The insights edges.</summary>
    AdsInsights,
}

/// <summary>One business-use-case entry of <c>X-Business-Use-Case-Usage</c>.</summary>
public sealed record BusinessUseCaseUsage(
    string BusinessId,
    string Type,
    double CallCount,
    double TotalCpuTime,
    double TotalTime,
    TimeSpan? EstimatedTimeToRegainAccess,
    string? AccessTier);

/// <summary>
/// Every usage header of one response (success or error), in percent: <c>X-App-Usage</c>, <c>X-Ad-Account-Usage</c>,
/// <c>X-Business-Use-Case-Usage</c> and <c>x-fb-ads-insights-throttle</c>. Absent headers leave their fields null.
/// </summary>
public sealed record GraphUsage(
    double? AppCallCount = null,
    double? AppTotalCpuTime = null,
    double? AppTotalTime = null,
    double? AccountUtilPercent = null,
    TimeSpan? AccountResetIn = null,
    string? AccessTier = null,
    IReadOnlyList<BusinessUseCaseUsage>? BusinessUseCases = null,
    double? InsightsAppUtilPercent = null,
    double? InsightsAccountUtilPercent = null)
{
    public static readonly GraphUsage None = new();

    /// <summary>The app-wide figure that is closest to a block.</summary>
    public double AppPercent => Max(AppCallCount, AppTotalCpuTime, AppTotalTime, InsightsAppUtilPercent);

    /// <summary>The figure closest to a block for one account and use case (app-wide usage included).</summary>
    public double PercentFor(MetaUseCase useCase) => Math.Max(AppPercent, AccountPercentFor(useCase));

    /// <summary>The account's own figure closest to a block for one use case (app-wide usage left out).</summary>
    public double AccountPercentFor(MetaUseCase useCase)
    {
        var type = UseCaseType(useCase);
        var buc = (BusinessUseCases ?? []).Where(b => b.Type == type).Select(b => Max(b.CallCount, b.TotalCpuTime, b.TotalTime));
        var insights = useCase == MetaUseCase.AdsInsights ? InsightsAccountUtilPercent : null;
        return Max([.. buc, AccountUtilPercent, insights]);
    }

    /// <summary>Meta's own estimate of how long a block on this use case lasts, when it gives one.</summary>
    public TimeSpan? RegainAccessIn(MetaUseCase useCase)
    {
        var type = UseCaseType(useCase);
        var estimates = (BusinessUseCases ?? [])
            .Where(b => b.Type == type && b.EstimatedTimeToRegainAccess > TimeSpan.Zero)
            .Select(b => b.EstimatedTimeToRegainAccess!.Value)
            .ToList();
        var accountReset = AccountUtilPercent >= 100 && AccountResetIn > TimeSpan.Zero ? AccountResetIn : null;
        if (estimates.Count == 0)
        {
            return accountReset;
        }

        // Meta rounds the estimate up to whole minutes; a seconds figure inside that last minute refines it.
        var estimate = estimates.Max();
        return accountReset < estimate && estimate - accountReset < TimeSpan.FromMinutes(1) ? accountReset : estimate;
    }

    public static string UseCaseType(MetaUseCase useCase) => useCase == MetaUseCase.AdsInsights ? "ads_insights" : "ads_management";

    public static GraphUsage Parse(HttpResponseHeaders headers)
    {
        var usage = None;
        if (TryObject(headers, "X-App-Usage", out var app))
        {
            usage = usage with
            {
                AppCallCount = Number(app, "call_count"),
                AppTotalCpuTime = Number(app, "total_cputime"),
                AppTotalTime = Number(app, "total_time"),
            };
        }

        if (TryObject(headers, "X-Ad-Account-Usage", out var account))
        {
            var reset = Number(account, "reset_time_duration");
            usage = usage with
            {
                AccountUtilPercent = Number(account, "acc_id_util_pct"),
                AccountResetIn = reset is null ? null : TimeSpan.FromSeconds(reset.Value),
                AccessTier = MetaJson.String(account, "ads_api_access_tier"),
            };
        }

        if (TryObject(headers, "X-Business-Use-Case-Usage", out var buc))
        {
            var entries = new List<BusinessUseCaseUsage>();
            foreach (var business in buc.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
            {
                foreach (var e in business.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
                {
                    var minutes = Number(e, "estimated_time_to_regain_access");
                    entries.Add(new BusinessUseCaseUsage(
                        business.Name,
                        MetaJson.String(e, "type") ?? "",
                        Number(e, "call_count") ?? 0,
                        Number(e, "total_cputime") ?? 0,
                        Number(e, "total_time") ?? 0,
                        minutes is null ? null : TimeSpan.FromMinutes(minutes.Value),
                        MetaJson.String(e, "ads_api_access_tier")));
                }
            }

            usage = usage with { BusinessUseCases = entries };
        }

        if (TryObject(headers, "x-fb-ads-insights-throttle", out var insights))
        {
            usage = usage with
            {
                InsightsAppUtilPercent = Number(insights, "app_id_util_pct"),
                InsightsAccountUtilPercent = Number(insights, "acc_id_util_pct"),
            };
        }

        return usage;
    }

    static bool TryObject(HttpResponseHeaders headers, string name, out JsonElement value)
    {
        value = default;
        if (!headers.TryGetValues(name, out var values))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(string.Join(",", values));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            value = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static double? Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        } : null;

    static double Max(params double?[] values) => values.Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(0).Max();
}
