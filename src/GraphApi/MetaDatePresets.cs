namespace MetaAdsSync.GraphApi;

/// <summary>The <c>date_preset</c> values Meta's insights accept (meta-graph-api.md, "Responses").</summary>
public static class MetaDatePresets
{
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
    {
        "today", "yesterday", "this_month", "last_month", "this_quarter", "maximum", "data_maximum",
        "last_3d", "last_7d", "last_14d", "last_28d", "last_30d", "last_90d",
        "last_week_mon_sun", "last_week_sun_sat", "last_quarter", "last_year",
        "this_week_mon_today", "this_week_sun_today", "this_year",
    };
}
