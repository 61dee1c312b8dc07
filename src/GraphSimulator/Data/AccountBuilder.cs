using static MetaAdsSync.GraphSimulator.Data.EffectiveStatus;

namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>
/// Generates one account to its spec: exactly the spec's listed and delivering counts per level, delivering
/// ad sets only under delivering campaigns and delivering ads only under delivering ad sets, effective
/// statuses derived from the object's own status and its parents' as Meta derives them, and a few ARCHIVED
/// and DELETED objects beyond the spec (the plain edges never return them, so they do not count).
/// </summary>
internal sealed class AccountBuilder(int seed, TextPool text)
{
    static readonly DateTimeOffset DataEpoch = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public AdAccount Build(AccountSpec spec, int accountIndex, TimeProvider clock)
    {
        var rng = new Rng(seed, spec.Id);
        var account = new AdAccount
        {
            Id = spec.Id,
            AccountId = spec.Id["act_".Length..],
            Name = spec.Name,
            Currency = spec.Currency,
            Timezone = spec.Timezone,
            CreatedTime = Seconds(DataEpoch.AddDays(-rng.Next(400, 1100))),
            Ids = new IdMaker(accountIndex),
        };
        var ids = account.Ids;

        var campaigns = Spread(rng, spec.Campaigns, [null], (r, _, live, issues) =>
            Campaign(r, account, ids, live ? Active : Paused, issues));
        var adSets = Spread(rng, spec.AdSets, [.. campaigns], (r, parent, live, issues) =>
            AdSet(r, account, ids, parent!, live ? Active : ChildStatus(r, parent!, 0), issues));
        Spread(rng, spec.Ads, [.. adSets], (r, parent, live, issues) =>
            Ad(r, account, ids, parent!, live ? Active : ChildStatus(r, parent!, 0.3), live, issues));

        AddRetired(rng, account, ids, spec);
        // A child that spent earlier means its parents spent then too: their rows exist whenever the child's does.
        foreach (var item in account.Ads.Concat(account.AdSets).Where(o => o.IsListed && o.HadDelivery))
        {
            item.Campaign!.HadDelivery = true;
            if (item.AdSet is { } adSet)
            {
                adSet.HadDelivery = true;
            }
        }

        foreach (var level in new[] { Level.Campaign, Level.AdSet, Level.Ad })
        {
            account.At(level).Sort((a, b) => b.CreatedTime.CompareTo(a.CreatedTime) is var c and not 0 ? c : string.CompareOrdinal(b.Id, a.Id));
            Verify(account, level, spec.At(level));
            account.At(level).ForEach(item => Settle(item, account.Today(clock).DayNumber));
        }

        return account;
    }

    /// <summary>
    /// Turns what was drawn into what the admin API can change: the issue an object shows while its parents deliver
    /// (so <see cref="EffectiveStatus.Of"/> derives what was drawn), and its delivery days — from its creation while it
    /// delivers; for a paused one that spent earlier, a stretch ending ten days before the data set was made (so
    /// presets of two weeks and more have its rows, the short ones do not).
    /// </summary>
    static void Settle(AdObject item, int today)
    {
        item.Issue = item.EffectiveStatus is WithIssues or Disapproved or PendingReview ? item.EffectiveStatus : null;
        if (EffectiveStatus.Of(item) != item.EffectiveStatus)
        {
            throw new InvalidOperationException($"{item.Id} shows {item.EffectiveStatus}, its statuses derive {EffectiveStatus.Of(item)}");
        }

        var created = DayOf(item.CreatedTime, item.Account);
        if (IsDelivering(item.EffectiveStatus))
        {
            item.Delivery.Start(created);
        }
        else if (item.IsListed && item.HadDelivery)
        {
            item.Delivery.Add(Math.Max(created, today - 120), today - 10);
        }
    }

    public static int DayOf(DateTimeOffset time, AdAccount account) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, account.Zone).DateTime).DayNumber;

    delegate AdObject Make(Rng rng, AdObject? parent, bool delivering, bool withIssues);

    /// <summary>
    /// Creates a level's listed objects: <c>spec.Active</c> delivering ones under delivering parents, the rest
    /// anywhere, so that paused parents get children that show CAMPAIGN_PAUSED / ADSET_PAUSED.
    /// </summary>
    static List<AdObject> Spread(Rng rng, LevelSpec spec, AdObject?[] parents, Make make)
    {
        var made = new List<AdObject>(spec.Total);
        if (spec.Total == 0)
        {
            return made;
        }

        var live = parents.Where(p => p is null || IsDelivering(p.EffectiveStatus)).ToList();
        if (parents.Length == 0 || (spec.Active > 0 && live.Count == 0))
        {
            throw new InvalidOperationException($"cannot place {spec.Active} delivering objects without a delivering parent");
        }

        for (var i = 0; i < spec.Total; i++)
        {
            var delivering = i < spec.Active;
            // Round-robin first so every delivering parent gets a child before any gets a second one.
            var parent = delivering
                ? (i < live.Count ? live[i] : rng.Pick(live))
                : (i - spec.Active < parents.Length ? parents[i - spec.Active] : rng.Pick(parents));
            made.Add(make(rng, parent, delivering, delivering && i < spec.WithIssues));
        }

        return made;
    }

    /// <summary>
    /// A non-delivering child: mostly left ACTIVE under a paused parent (so it shows the parent's pause),
    /// paused itself under a live one unless review holds it (<paramref name="heldUnderLive"/>).
    /// </summary>
    static string ChildStatus(Rng rng, AdObject parent, double heldUnderLive) =>
        IsDelivering(parent.EffectiveStatus)
            ? (rng.Chance(heldUnderLive) ? Active : Paused)
            : (rng.Chance(0.3) ? Paused : Active);

    static AdObject Campaign(Rng rng, AdAccount account, IdMaker ids, string status, bool withIssues)
    {
        var created = Between(rng, account.CreatedTime, DataEpoch.AddDays(-1));
        var daily = rng.Chance(0.6);
        var campaign = new AdObject
        {
            Level = Level.Campaign,
            Id = ids.Next(Level.Campaign),
            Account = account,
            Name = TextPool.CampaignName(rng),
            Status = status,
            EffectiveStatus = status is Paused or Archived or Deleted ? status : withIssues ? WithIssues : Active,
            HadDelivery = status == Paused && rng.Chance(0.15),
            CreatedTime = created,
            UpdatedTime = Between(rng, created, DataEpoch),
            Objective = TextPool.Objective(rng),
            DailyBudget = daily ? Budget(rng) : null,
            LifetimeBudget = daily || rng.Chance(0.5) ? null : Budget(rng) * 30,
        };
        account.Campaigns.Add(campaign);
        return campaign;
    }

    static AdObject AdSet(Rng rng, AdAccount account, IdMaker ids, AdObject campaign, string status, bool withIssues)
    {
        var created = Between(rng, campaign.CreatedTime, DataEpoch);
        var effective = status is Paused or Archived or Deleted ? status
            : !IsDelivering(campaign.EffectiveStatus) ? CampaignPaused
            : withIssues ? WithIssues : Active;
        var campaignBudget = campaign.DailyBudget is not null || campaign.LifetimeBudget is not null;
        var adSet = new AdObject
        {
            Level = Level.AdSet,
            Id = ids.Next(Level.AdSet),
            Account = account,
            Campaign = campaign,
            Name = TextPool.AdSetName(rng),
            Status = status,
            EffectiveStatus = effective,
            HadDelivery = !IsDelivering(effective) && rng.Chance(0.15),
            CreatedTime = created,
            UpdatedTime = Between(rng, created, DataEpoch),
            DailyBudget = campaignBudget ? null : Budget(rng),
            BidAmount = rng.Chance(0.3) ? rng.Next(50, 2000) : null,
            OptimizationGoal = TextPool.OptimizationGoal(rng),
        };
        account.AdSets.Add(adSet);
        campaign.Children.Add(adSet);
        return adSet;
    }

    AdObject Ad(Rng rng, AdAccount account, IdMaker ids, AdObject adSet, string status, bool delivering, bool withIssues)
    {
        var campaign = adSet.Campaign!;
        var created = Between(rng, adSet.CreatedTime, DataEpoch);
        var effective = status is Paused or Archived or Deleted ? status
            : !IsDelivering(campaign.EffectiveStatus) ? CampaignPaused
            : adSet.Status == Paused ? AdSetPaused
            : delivering ? (withIssues ? WithIssues : Active)
            : rng.Chance(0.5) ? Disapproved : PendingReview;

        var name = TextPool.AdName(rng, account.Ads.Count + 1);
        var ad = new AdObject
        {
            Level = Level.Ad,
            Id = ids.Next(Level.Ad),
            Account = account,
            Campaign = campaign,
            AdSet = adSet,
            Name = name,
            Status = status,
            EffectiveStatus = effective,
            HadDelivery = !IsDelivering(effective) && rng.Chance(0.15),
            CreatedTime = created,
            UpdatedTime = Between(rng, created, DataEpoch),
            Creative = text.Creative(rng, ids.NextCreative(), name),
        };
        account.Ads.Add(ad);
        adSet.Children.Add(ad);
        return ad;
    }

    /// <summary>
    /// ARCHIVED and DELETED objects beyond the spec, about 4 % and 3 % of each non-empty level, childless so
    /// that the listed objects keep exactly the spec's counts.
    /// </summary>
    void AddRetired(Rng rng, AdAccount account, IdMaker ids, AccountSpec spec)
    {
        foreach (var status in new[] { Archived, Deleted })
        {
            var share = status == Archived ? 0.04 : 0.03;
            int Count(LevelSpec level) => level.Total == 0 ? 0 : Math.Max(1, (int)Math.Round(level.Total * share));
            var campaigns = account.Campaigns.Where(c => c.IsListed).ToList();
            var adSets = account.AdSets.Where(s => s.IsListed).ToList();
            for (var i = Count(spec.Campaigns); i > 0; i--)
            {
                Retire(Campaign(rng, account, ids, status, false));
            }

            for (var i = Count(spec.AdSets); i > 0; i--)
            {
                Retire(AdSet(rng, account, ids, rng.Pick(campaigns), status, false));
            }

            for (var i = Count(spec.Ads); i > 0; i--)
            {
                Retire(Ad(rng, account, ids, rng.Pick(adSets), status, false, false));
            }
        }
    }

    static void Retire(AdObject made)
    {
        if (made.EffectiveStatus != made.Status)
        {
            throw new InvalidOperationException($"{made.Id} is {made.Status} but shows {made.EffectiveStatus}");
        }
    }

    static long Budget(Rng rng) => rng.Next(10, 500) * 100L;

    static DateTimeOffset Between(Rng rng, DateTimeOffset from, DateTimeOffset to) =>
        Seconds(from.AddSeconds(rng.NextDouble() * Math.Max(0, (to - from).TotalSeconds)));

    static DateTimeOffset Seconds(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    static void Verify(AdAccount account, Level level, LevelSpec spec)
    {
        var listed = account.At(level).Where(o => o.IsListed).ToList();
        var delivering = listed.Count(o => IsDelivering(o.EffectiveStatus));
        var issues = listed.Count(o => o.EffectiveStatus == WithIssues);
        if (listed.Count != spec.Total || delivering != spec.Active || issues != spec.WithIssues)
        {
            throw new InvalidOperationException(
                $"{account.Id} {level}: generated {listed.Count}/{delivering}/{issues}, spec {spec.Total}/{spec.Active}/{spec.WithIssues}");
        }
    }
}
