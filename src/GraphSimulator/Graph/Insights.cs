using System.Globalization;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// Insight rows: one per object and period chunk (the whole period, or each day with <c>time_increment=1</c>) in which
/// it delivered — every ACTIVE / WITH_ISSUES object, and paused ones for the days they spent — with the metrics of
/// <see cref="MetricSource"/>. DELETED objects have rows only on their own edge (<c>{id}/insights</c>), ARCHIVED ones
/// when the filter asks for them, as Meta answers. Every metric is a string, as Meta sends it.
/// </summary>
internal sealed class Insights(int seed)
{
    readonly MetricSource _metrics = new(seed);

    static readonly string[] FieldNames =
    [
        "account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id", "adset_name",
        "ad_id", "ad_name", "objective", "impressions", "reach", "frequency", "clicks", "unique_clicks",
        "inline_link_clicks", "spend", "ctr", "cpc", "cpm", "cpp", "actions", "cost_per_action_type",
        "date_start", "date_stop",
    ];

    public static readonly NodeType Node = new("AdsInsights", FieldNames);
    public static readonly IReadOnlyList<SelectedField> DefaultFields = FieldSelection.Names("impressions", "spend", "date_start", "date_stop");

    /// <summary>One row to write: an object (null for the account's own row) and its chunk.</summary>
    internal readonly record struct Row(AdObject? Item, DateOnly Start, DateOnly Stop);

    public static Level ParseLevel(string? raw, Level fallback) => raw switch
    {
        null or "" => fallback,
        "account" => Level.Account,
        "campaign" => Level.Campaign,
        "adset" => Level.AdSet,
        "ad" => Level.Ad,
        _ => throw GraphErrors.InvalidParameter("level must be one of the following values: ad, adset, campaign, account"),
    };

    public static string LevelName(Level level) => level switch
    {
        Level.Account => "account",
        Level.Campaign => "campaign",
        Level.AdSet => "adset",
        _ => "ad",
    };

    /// <summary>
    /// The rows of a period, chunk by chunk, each chunk's in the level's order: the objects of <paramref name="level"/>
    /// under <paramref name="scope"/> (the whole account when null) that pass the filters and delivered in the chunk;
    /// at the account level, the account's own row.
    /// </summary>
    public static List<Row> Rows(
        AdAccount account, AdObject? scope, Level level, InsightPeriod period, Filtering.Compiled filters, DateOnly today)
    {
        var rows = new List<Row>();
        var subjects = level == Level.Account ? null : Candidates(account, scope, level, filters);
        foreach (var (start, stop) in period.Chunks)
        {
            if (start > today)
            {
                break;
            }

            var (from, to) = (start.DayNumber, Math.Min(stop.DayNumber, today.DayNumber));
            if (subjects is null)
            {
                if (MetricSource.Delivered(account, from, to))
                {
                    rows.Add(new Row(null, start, stop));
                }

                continue;
            }

            foreach (var item in subjects)
            {
                if (MetricSource.Delivered(item, from, to))
                {
                    rows.Add(new Row(item, start, stop));
                }
            }
        }

        return rows;
    }

    static List<AdObject> Candidates(AdAccount account, AdObject? scope, Level level, Filtering.Compiled filters)
    {
        var candidates = new List<AdObject>();
        foreach (var item in account.At(level))
        {
            var visible = item == scope || item.IsListed || (filters.MentionsArchived && item.EffectiveStatus == EffectiveStatus.Archived);
            if (visible && Under(item, scope) && filters.Matches(item))
            {
                candidates.Add(item);
            }
        }

        return candidates;
    }

    static bool Under(AdObject item, AdObject? scope) =>
        scope is null || item == scope || item.Campaign == scope || item.AdSet == scope;

    /// <summary>A row for <paramref name="row"/>'s object, or for the account when it has none.</summary>
    public void WriteRow(Utf8JsonWriter writer, AdAccount account, Row row, Level level, IReadOnlyList<SelectedField> fields, DateOnly today)
    {
        var item = row.Item;
        var stop = row.Stop < today ? row.Stop : today;
        var metrics = _metrics.Period(account, item, row.Start.DayNumber, stop.DayNumber) ?? throw new InvalidOperationException($"{item?.Id ?? account.Id} has a row without delivery");
        var range = (row.Start, row.Stop);
        writer.WriteStartObject();
        var wroteId = false;
        var wroteDates = false;
        foreach (var field in fields)
        {
            wroteId |= field.Name == IdField(level);
            wroteDates |= field.Name == "date_start";
            WriteField(writer, field.Name, account, item, level, metrics, range);
        }

        if (!wroteId && IdField(level) is { } id)
        {
            WriteField(writer, id, account, item, level, metrics, range);
        }

        if (!wroteDates)
        {
            WriteField(writer, "date_start", account, item, level, metrics, range);
            WriteField(writer, "date_stop", account, item, level, metrics, range);
        }

        writer.WriteEndObject();
    }

    /// <summary>The metrics of an object (or of the account when null) over a period, for the truth; null without delivery.</summary>
    public Metrics? Period(AdAccount account, AdObject? item, DateOnly start, DateOnly stop) =>
        _metrics.Period(account, item, start.DayNumber, stop.DayNumber);

    static string? IdField(Level level) => level switch
    {
        Level.Campaign => "campaign_id",
        Level.AdSet => "adset_id",
        Level.Ad => "ad_id",
        _ => "account_id",
    };

    static void WriteField(
        Utf8JsonWriter w, string name, AdAccount account, AdObject? item, Level level, Metrics m, (DateOnly Start, DateOnly Stop) range)
    {
        switch (name)
        {
            case "account_id": w.WriteString(name, account.AccountId); break;
            case "account_name": w.WriteString(name, account.Name); break;
            case "account_currency": w.WriteString(name, account.Currency); break;
            case "campaign_id" when level >= Level.Campaign: w.WriteString(name, item!.CampaignId); break;
            case "campaign_name" when level >= Level.Campaign: w.WriteString(name, (item!.Campaign ?? item).Name); break;
            case "adset_id" when level >= Level.AdSet: w.WriteString(name, item!.AdSetId); break;
            case "adset_name" when level >= Level.AdSet: w.WriteString(name, (item!.AdSet ?? item).Name); break;
            case "ad_id" when level == Level.Ad: w.WriteString(name, item!.Id); break;
            case "ad_name" when level == Level.Ad: w.WriteString(name, item!.Name); break;
            case "objective" when level >= Level.Campaign: w.WriteString(name, (item!.Campaign ?? item).Objective); break;
            case "impressions": w.WriteString(name, Json.Number(m.Impressions)); break;
            case "reach": w.WriteString(name, Json.Number(m.Reach)); break;
            case "frequency": w.WriteString(name, Json.Number((double)m.Impressions / m.Reach, 6)); break;
            case "clicks": w.WriteString(name, Json.Number(m.Clicks)); break;
            case "unique_clicks": w.WriteString(name, Json.Number(m.Clicks * 85 / 100)); break;
            case "inline_link_clicks": w.WriteString(name, Json.Number(m.LinkClicks)); break;
            case "spend": w.WriteString(name, Json.Number(m.Spend, 2)); break;
            case "ctr": w.WriteString(name, Json.Number(m.Clicks * 100.0 / m.Impressions, 6)); break;
            case "cpc" when m.Clicks > 0: w.WriteString(name, Json.Number(m.Spend / m.Clicks, 6)); break;
            case "cpm": w.WriteString(name, Json.Number(m.Spend * 1000 / m.Impressions, 6)); break;
            case "cpp": w.WriteString(name, Json.Number(m.Spend * 1000 / m.Reach, 6)); break;
            case "actions": WriteActions(w, name, m, perAction: false); break;
            case "cost_per_action_type": WriteActions(w, name, m, perAction: true); break;
            case "date_start": w.WriteString(name, range.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case "date_stop": w.WriteString(name, range.Stop.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
        }
    }

    static void WriteActions(Utf8JsonWriter w, string name, Metrics m, bool perAction)
    {
        w.WriteStartArray(name);
        foreach (var (type, count) in m.Actions())
        {
            if (count == 0)
            {
                continue;
            }

            w.WriteStartObject();
            w.WriteString("action_type", type);
            w.WriteString("value", perAction ? Json.Number(m.Spend / count, 6) : Json.Number(count));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
