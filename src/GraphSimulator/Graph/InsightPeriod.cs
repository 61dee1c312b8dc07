using System.Globalization;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// The days an insights call covers and how it splits them into rows: <c>date_preset</c>, or <c>time_range</c>
/// (<c>{"since":"YYYY-MM-DD","until":"YYYY-MM-DD"}</c>, until inclusive, which makes Meta ignore the preset), in the
/// account's calendar; <c>time_increment</c> <c>all_days</c> (one row for the period), <c>monthly</c> or 1–90 days
/// per row. <see cref="Key"/> is what cursors are bound to.
/// </summary>
internal sealed record InsightPeriod(DateOnly Since, DateOnly Until, IReadOnlyList<(DateOnly Start, DateOnly Stop)> Chunks, string Key)
{
    /// <summary>Meta keeps 37 months of insights.</summary>
    public const int HistoryMonths = 37;

    public static InsightPeriod Parse(Func<string, string?> param, AdAccount account, TimeProvider clock)
    {
        var today = account.Today(clock);
        var rawRange = param("time_range");
        var preset = param("date_preset") ?? DatePresets.Default;
        (DateOnly Since, DateOnly Until) range;
        if (!string.IsNullOrWhiteSpace(rawRange))
        {
            range = TimeRange(rawRange, today);
        }
        else if (DatePresets.IsKnown(preset))
        {
            range = DatePresets.Range(preset, today, DateOnly.FromDateTime(account.CreatedTime.UtcDateTime));
        }
        else
        {
            throw GraphErrors.InvalidParameter($"date_preset must be one of the following values: {string.Join(", ", DatePresets.All)}");
        }

        return Create(range.Since, range.Until, param("time_increment") ?? "all_days");
    }

    public static InsightPeriod Create(DateOnly since, DateOnly until, string increment) =>
        new(since, until, Split(since, until, increment), $"{since:yyyy-MM-dd}..{until:yyyy-MM-dd}/{increment}");

    static (DateOnly, DateOnly) TimeRange(string raw, DateOnly today)
    {
        const string Shape = "Param time_range must be a JSON object with since and until dates (YYYY-MM-DD)";
        DateOnly since, until;
        try
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !Date(root, "since", out since) || !Date(root, "until", out until))
            {
                throw GraphErrors.InvalidParameter(Shape);
            }
        }
        catch (JsonException)
        {
            throw GraphErrors.InvalidParameter(Shape);
        }

        if (since > until)
        {
            throw GraphErrors.InvalidParameter("Param time_range: since must not be after until");
        }

        if (since < today.AddMonths(-HistoryMonths))
        {
            throw GraphErrors.HistoryLimit();
        }

        return (since, until);
    }

    static bool Date(JsonElement root, string name, out DateOnly date)
    {
        date = default;
        return root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    static List<(DateOnly, DateOnly)> Split(DateOnly since, DateOnly until, string increment)
    {
        var chunks = new List<(DateOnly, DateOnly)>();
        if (increment == "all_days")
        {
            chunks.Add((since, until));
            return chunks;
        }

        if (increment == "monthly")
        {
            for (var start = since; start <= until; start = new DateOnly(start.Year, start.Month, 1).AddMonths(1))
            {
                var end = new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1);
                chunks.Add((start, end < until ? end : until));
            }

            return chunks;
        }

        if (!int.TryParse(increment, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 90)
        {
            throw GraphErrors.InvalidParameter("Param time_increment must be all_days, monthly or a number of days from 1 to 90");
        }

        for (var start = since; start <= until; start = start.AddDays(days))
        {
            var end = start.AddDays(days - 1);
            chunks.Add((start, end < until ? end : until));
        }

        return chunks;
    }
}
