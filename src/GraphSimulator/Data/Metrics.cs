namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>Numbers that hang together: reach ≤ impressions, clicks a believable share, spend from a CPM.</summary>
internal readonly record struct Metrics(long Impressions, long Reach, long Clicks, long LinkClicks, double Spend)
{
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
    /// <summary>
    /// Metrics being added up without a list: counts and spend add; reach of parts (children on a day) overlaps by
    /// 15 %, reach of days grows slower than the days as people come back.
    /// </summary>
    struct Tally
    {
        long _impressions, _reach, _maxReach, _clicks, _linkClicks;
        double _spend;

        public int Count { get; private set; }

        public void Add(in Metrics m)
        {
            (_impressions, _reach, _clicks, _linkClicks, _spend) =
                (_impressions + m.Impressions, _reach + m.Reach, _clicks + m.Clicks, _linkClicks + m.LinkClicks, _spend + m.Spend);
            _maxReach = Math.Max(_maxReach, m.Reach);
            Count++;
        }

        public readonly Metrics OfParts() => Finish((long)(_reach * 0.85));

        public readonly Metrics OfDays() => Finish((long)(_reach / (1 + 0.3 * Math.Log(Count))));

        readonly Metrics Finish(long spread) =>
            new(_impressions, Math.Min(_impressions, Math.Max(_maxReach, spread)), _clicks, _linkClicks, Math.Round(_spend, 2));
    }

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
        var days = new Tally();
        for (var day = start; day <= stop; day++)
        {
            if (item is null ? SumOf(account.Campaigns, day, out var metrics) : Day(item, day, out metrics))
            {
                days.Add(metrics);
            }
        }

        return days.Count == 0 ? null : days.OfDays();
    }

    bool Day(AdObject item, int day, out Metrics metrics)
    {
        if (SumOf(item.Children, day, out metrics))
        {
            return true;
        }

        if (item.Delivery.On(day))
        {
            metrics = Own(item, day);
            return true;
        }

        return false;
    }

    bool SumOf(List<AdObject> items, int day, out Metrics metrics)
    {
        var parts = new Tally();
        foreach (var item in items)
        {
            if (Day(item, day, out var part))
            {
                parts.Add(part);
            }
        }

        metrics = parts.Count == 0 ? default : parts.OfParts();
        return parts.Count > 0;
    }

    Metrics Own(AdObject item, int day)
    {
        var id = item.Id;
        var p = item.Profile ??= new MetricProfile(
            Rng.Hash(seed, id),
            300 + Rng.Unit(seed, id + "#daily") * 15_000,
            1.05 + Rng.Unit(seed, id + "#frequency") * 0.6,
            0.004 + Rng.Unit(seed, id + "#ctr") * 0.031,
            4 + Rng.Unit(seed, id + "#cpm") * 21);
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

/// <summary>An object's own numbers, drawn once from the seed and its id; its days vary around them.</summary>
internal sealed record MetricProfile(ulong Key, double Daily, double Frequency, double Ctr, double Cpm);
