using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// Insight rows: one per object with delivery in the preset — every ACTIVE / WITH_ISSUES object, and paused ones
/// that spent earlier for presets of two weeks or more — with metrics fixed by the seed, the object and the preset.
/// Levels add up: a parent's row is the sum of its children's rows wherever a child has one. Every metric is a
/// string, as Meta sends it.
/// </summary>
internal sealed class Insights(int seed)
{
    readonly ConcurrentDictionary<(string Id, string Preset, int Days), Metrics> _metrics = new();

    static readonly string[] FieldNames =
    [
        "account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id", "adset_name",
        "ad_id", "ad_name", "objective", "impressions", "reach", "frequency", "clicks", "unique_clicks",
        "inline_link_clicks", "spend", "ctr", "cpc", "cpm", "cpp", "actions", "cost_per_action_type",
        "date_start", "date_stop",
    ];

    public static readonly NodeType Node = new("AdsInsights", FieldNames);
    public static readonly IReadOnlyList<SelectedField> DefaultFields = FieldSelection.Names("impressions", "spend", "date_start", "date_stop");

    public static Level ParseLevel(string? raw, Level fallback) => raw switch
    {
        null or "" => fallback,
        "account" => Level.Account,
        "campaign" => Level.Campaign,
        "adset" => Level.AdSet,
        "ad" => Level.Ad,
        _ => throw GraphErrors.InvalidParameter("level must be one of the following values: ad, adset, campaign, account"),
    };

    public static (DateOnly Start, DateOnly Stop) Range(AdAccount account, string preset, TimeProvider clock)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), account.Zone).DateTime);
        return DatePresets.Range(preset, today, DateOnly.FromDateTime(account.CreatedTime.UtcDateTime));
    }

    public static int Days((DateOnly Start, DateOnly Stop) range) => range.Stop.DayNumber - range.Start.DayNumber + 1;

    public static bool HasRow(AdObject item, int days) =>
        item.IsListed && (EffectiveStatus.IsDelivering(item.EffectiveStatus) || (item.HadDelivery && days >= DatePresets.LongPresetDays));

    /// <summary>The objects of <paramref name="level"/> under <paramref name="scope"/> (the whole account when null) that have a row.</summary>
    public static List<AdObject> Subjects(AdAccount account, AdObject? scope, Level level, int days, Filtering.Compiled filters)
    {
        var rows = new List<AdObject>();
        foreach (var item in account.At(level))
        {
            if (HasRow(item, days) && Under(item, scope) && filters.Matches(item))
            {
                rows.Add(item);
            }
        }

        return rows;
    }

    public static bool AccountHasRow(AdAccount account, AdObject? scope, int days) =>
        scope is null ? account.Campaigns.Any(c => HasRow(c, days)) : HasRow(scope, days);

    static bool Under(AdObject item, AdObject? scope) =>
        scope is null || item == scope || item.Campaign == scope || item.AdSet == scope;

    /// <summary>A row for <paramref name="item"/>, or for the account (or the scope object) when it is null.</summary>
    public void WriteRow(
        Utf8JsonWriter writer, AdAccount account, AdObject? item, Level level, IReadOnlyList<SelectedField> fields,
        string preset, (DateOnly Start, DateOnly Stop) range)
    {
        var metrics = MetricsOf(account, item, preset, Days(range));
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

    /// <summary>
    /// The sum of the children's rows when any child has one; otherwise the object's own numbers (an ACTIVE
    /// campaign without ads still has a row, as the fixture's allow-list expects).
    /// </summary>
    Metrics MetricsOf(AdAccount account, AdObject? item, string preset, int days) =>
        _metrics.GetOrAdd((item?.Id ?? account.Id, preset, days), _ =>
        {
            var children = (item?.Children ?? account.Campaigns).Where(c => HasRow(c, days)).ToList();
            return children.Count > 0
                ? Metrics.Sum(children.Select(c => MetricsOf(account, c, preset, days)))
                : Metrics.For(seed, item?.Id ?? account.Id, preset, days, item is null || EffectiveStatus.IsDelivering(item.EffectiveStatus));
        });

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

    /// <summary>Numbers that hang together: reach ≤ impressions, clicks a believable share, spend from a CPM.</summary>
    internal readonly record struct Metrics(long Impressions, long Reach, long Clicks, long LinkClicks, double Spend)
    {
        public static Metrics For(int seed, string id, string preset, int days, bool delivering)
        {
            var daily = (300 + Rng.Unit(seed, id + "#daily") * 15_000) * (delivering ? 1 : 0.3);
            var impressions = Math.Max(1L, (long)(daily * days * (0.8 + 0.4 * Rng.Unit(seed, id + "#" + preset))));
            var frequency = 1.05 + Rng.Unit(seed, id + "#frequency") * 0.6 * (1 + Math.Log(days));
            var clicks = (long)(impressions * (0.004 + Rng.Unit(seed, id + "#ctr") * 0.031));
            var cpm = 4 + Rng.Unit(seed, id + "#cpm") * 21;
            return new Metrics(
                impressions,
                Math.Max(1L, (long)(impressions / frequency)),
                clicks,
                clicks * 7 / 10,
                Math.Round(impressions / 1000.0 * cpm, 2));
        }

        /// <summary>Counts and spend add up; people reached by several children are counted once, so reach does not.</summary>
        public static Metrics Sum(IEnumerable<Metrics> parts)
        {
            var list = parts.ToList();
            var impressions = list.Sum(m => m.Impressions);
            var reach = Math.Min(impressions, Math.Max(list.Max(m => m.Reach), (long)(list.Sum(m => m.Reach) * 0.85)));
            return new Metrics(impressions, reach, list.Sum(m => m.Clicks), list.Sum(m => m.LinkClicks), Math.Round(list.Sum(m => m.Spend), 2));
        }

        public IEnumerable<(string Type, long Count)> Actions()
        {
            yield return ("link_click", LinkClicks);
            yield return ("landing_page_view", LinkClicks * 6 / 10);
            yield return ("post_engagement", Clicks * 13 / 10);
            yield return ("page_engagement", Clicks * 14 / 10);
            yield return ("lead", Clicks * 3 / 100);
        }
    }
}
