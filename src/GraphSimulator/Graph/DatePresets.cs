namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>Meta's <c>date_preset</c> values and the days each covers, counted in the account's time zone.</summary>
internal static class DatePresets
{
    public const string Default = "last_30d";

    /// <summary>Presets at least this long also have rows for paused objects that delivered earlier.</summary>
    public const int LongPresetDays = 14;

    public static readonly string[] All =
    [
        "today", "yesterday", "this_month", "last_month", "this_quarter", "maximum", "data_maximum", "last_3d",
        "last_7d", "last_14d", "last_28d", "last_30d", "last_90d", "last_week_mon_sun", "last_week_sun_sat",
        "last_quarter", "last_year", "this_week_mon_today", "this_week_sun_today", "this_year",
    ];

    public static (DateOnly Start, DateOnly Stop) Range(string preset, DateOnly today, DateOnly earliest)
    {
        var month = new DateOnly(today.Year, today.Month, 1);
        var quarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        var mondayOffset = ((int)today.DayOfWeek + 6) % 7;
        var sundayOffset = (int)today.DayOfWeek;
        return preset switch
        {
            "today" => (today, today),
            "yesterday" => (today.AddDays(-1), today.AddDays(-1)),
            "this_month" => (month, today),
            "last_month" => (month.AddMonths(-1), month.AddDays(-1)),
            "this_quarter" => (quarter, today),
            "last_quarter" => (quarter.AddMonths(-3), quarter.AddDays(-1)),
            "this_year" => (new DateOnly(today.Year, 1, 1), today),
            "last_year" => (new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31)),
            // Meta keeps 37 months of insights.
            "maximum" or "data_maximum" => (Max(earliest, today.AddMonths(-37)), today),
            "last_week_mon_sun" => (today.AddDays(-mondayOffset - 7), today.AddDays(-mondayOffset - 1)),
            "last_week_sun_sat" => (today.AddDays(-sundayOffset - 7), today.AddDays(-sundayOffset - 1)),
            "this_week_mon_today" => (today.AddDays(-mondayOffset), today),
            "this_week_sun_today" => (today.AddDays(-sundayOffset), today),
            _ when preset.StartsWith("last_", StringComparison.Ordinal) && preset.EndsWith('d')
                && int.TryParse(preset.AsSpan(5, preset.Length - 6), out var days) => (today.AddDays(-days), today.AddDays(-1)),
            _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "not a date preset"),
        };
    }

    public static bool IsKnown(string preset) => All.Contains(preset);

    static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
