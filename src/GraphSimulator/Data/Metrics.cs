using System.Collections.Concurrent;

namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>Numbers that hang together: reach ≤ impressions, clicks a believable share, spend from a CPM.</summary>
internal readonly record struct Metrics(long Impressions, long Reach, long Clicks, long LinkClicks, double Spend)
{
    /// <summary>Counts and spend add up; people reached by several parts are counted once, so reach does not.</summary>
    public static Metrics Sum(IReadOnlyList<Metrics> parts)
    {
        var impressions = parts.Sum(m => m.Impressions);
        var reach = Math.Min(impressions, Math.Max(parts.Max(m => m.Reach), (long)(parts.Sum(m => m.Reach) * 0.85)));
        return new Metrics(impressions, reach, parts.Sum(m => m.Clicks), parts.Sum(m => m.LinkClicks), Math.Round(parts.Sum(m => m.Spend), 2));
    }

    /// <summary>Days of one object: counts and spend add up, reach grows slower than the days as people come back.</summary>
    public static Metrics OverDays(IReadOnlyList<Metrics> days)
    {
        var impressions = days.Sum(m => m.Impressions);
        var spread = (long)(days.Sum(m => m.Reach) / (1 + 0.3 * Math.Log(days.Count)));
        var reach = Math.Min(impressions, Math.Max(days.Max(m => m.Reach), spread));
        return new Metrics(impressions, reach, days.Sum(m => m.Clicks), days.Sum(m => m.LinkClicks), Math.Round(days.Sum(m => m.Spend), 2));
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

/// <summary>
/// Insight metrics, built from days: an object's day is the sum of its children's that day wherever a child delivered
/// then, else the object's own numbers for a day it delivered (an ACTIVE campaign without delivering ads still has a
/// row, as the fixture's allow-list expects). A period is the sum of its days, so a preset's impressions, clicks and
/// spend are what its daily rows add up to; reach is not. Own numbers are fixed by the seed, the object and the day,
/// times whatever <c>restate</c> applied to that day.
/// </summary>
internal sealed class MetricSource(int seed)
{
    readonly ConcurrentDictionary<string, Profile> _profiles = new(StringComparer.Ordinal);

    sealed record Profile(ulong Key, double Daily, double Frequency, double Ctr, double Cpm);

    /// <summary>Whether the object, or anything under it, delivered on a day from <paramref name="start"/> to <paramref name="stop"/>.</summary>
    public static bool Delivered(AdObject item, int start, int stop)
    {
        if (item.Delivery.Any(start, stop))
        {
            return true;
        }

        foreach (var child in item.Children)
        {
            if (Delivered(child, start, stop))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The account's days are its campaigns'.</summary>
    public static bool Delivered(AdAccount account, int start, int stop) => account.Campaigns.Any(c => Delivered(c, start, stop));

    /// <summary>The period's metrics of an object, or of the account when <paramref name="item"/> is null; null without delivery.</summary>
    public Metrics? Period(AdAccount account, AdObject? item, int start, int stop)
    {
        var days = new List<Metrics>();
        for (var day = start; day <= stop; day++)
        {
            if ((item is null ? AccountDay(account, day) : Day(item, day)) is { } metrics)
            {
                days.Add(metrics);
            }
        }

        return days.Count == 0 ? null : Metrics.OverDays(days);
    }

    Metrics? AccountDay(AdAccount account, int day) => SumOf(account.Campaigns, day);

    Metrics? Day(AdObject item, int day) =>
        SumOf(item.Children, day) ?? (item.Delivery.On(day) ? Own(item, day) : null);

    Metrics? SumOf(List<AdObject> items, int day)
    {
        List<Metrics>? parts = null;
        foreach (var item in items)
        {
            if (Day(item, day) is { } metrics)
            {
                (parts ??= []).Add(metrics);
            }
        }

        return parts is null ? null : Metrics.Sum(parts);
    }

    Metrics Own(AdObject item, int day)
    {
        var p = _profiles.GetOrAdd(item.Id, static (id, seed) => new Profile(
            Rng.Hash(seed, id),
            300 + Rng.Unit(seed, id + "#daily") * 15_000,
            1.05 + Rng.Unit(seed, id + "#frequency") * 0.6,
            0.004 + Rng.Unit(seed, id + "#ctr") * 0.031,
            4 + Rng.Unit(seed, id + "#cpm") * 21), seed);
        var factor = item.Restated?.GetValueOrDefault(day, 1.0) ?? 1.0;
        var impressions = Math.Max(1L, (long)(p.Daily * (0.7 + 0.6 * Rng.Unit(p.Key, day)) * factor));
        var clicks = (long)(impressions * p.Ctr);
        return new Metrics(
            impressions,
            Math.Max(1L, (long)(impressions / p.Frequency)),
            clicks,
            clicks * 7 / 10,
            Math.Round(impressions / 1000.0 * p.Cpm, 2));
    }
}
