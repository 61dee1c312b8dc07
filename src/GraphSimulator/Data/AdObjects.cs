namespace MetaAdsSync.GraphSimulator.Data;

internal enum Level
{
    Account,
    Campaign,
    AdSet,
    Ad,
}

internal static class EffectiveStatus
{
    public const string Active = "ACTIVE";
    public const string WithIssues = "WITH_ISSUES";
    public const string Paused = "PAUSED";
    public const string CampaignPaused = "CAMPAIGN_PAUSED";
    public const string AdSetPaused = "ADSET_PAUSED";
    public const string Archived = "ARCHIVED";
    public const string Deleted = "DELETED";
    public const string Disapproved = "DISAPPROVED";
    public const string PendingReview = "PENDING_REVIEW";

    /// <summary>The values Meta accepts in <c>effective_status</c>, per level.</summary>
    public static readonly string[] Campaign = [Active, Paused, Deleted, Archived, "IN_PROCESS", WithIssues];
    public static readonly string[] AdSet = [.. Campaign, CampaignPaused];
    public static readonly string[] Ad =
        [.. AdSet, AdSetPaused, PendingReview, Disapproved, "PREAPPROVED", "PENDING_BILLING_INFO"];

    public static string[] For(Level level) => level switch
    {
        Level.Campaign => Campaign,
        Level.AdSet => AdSet,
        _ => Ad,
    };

    /// <summary>The seed's allow-list: the only statuses whose entities get insights.</summary>
    public static bool IsDelivering(string status) => status is Active or WithIssues;

    /// <summary>
    /// Meta's precedence: the object's own ARCHIVED or DELETED, then a parent's (what is archived or deleted takes its
    /// children with it), then the object's own pause, the campaign's, the ad set's; otherwise its own delivery.
    /// </summary>
    public static string Of(AdObject item)
    {
        if (item.Status is Archived or Deleted)
        {
            return item.Status;
        }

        foreach (var parent in new[] { item.Campaign, item.AdSet })
        {
            if (parent?.Status is Archived or Deleted)
            {
                return parent.Status;
            }
        }

        return item.Status == Paused ? Paused
            : item.Campaign is { Status: not Active } ? CampaignPaused
            : item.AdSet is { Status: not Active } ? AdSetPaused
            : item.Issue ?? Active;
    }
}

/// <summary>An ad account and everything under it, each level newest first as Meta lists them.</summary>
internal sealed class AdAccount
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Name { get; init; }
    public required string Currency { get; init; }
    public required string Timezone { get; init; }
    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>1 active, 2 disabled, 3 unsettled, 101 closed…: what Meta reports; reads work whatever it is.</summary>
    public int AccountStatus { get; set; } = 1;

    /// <summary>False once the token has lost the account: unlisted, and every call naming it answers "does not exist".</summary>
    public bool Accessible { get; set; } = true;

    public TimeZoneInfo Zone => Zones.Find(Timezone);

    /// <summary>Where new objects' ids continue the account's sequence.</summary>
    public required IdMaker Ids { get; init; }

    public List<AdObject> Campaigns { get; } = [];
    public List<AdObject> AdSets { get; } = [];
    public List<AdObject> Ads { get; } = [];

    public List<AdObject> At(Level level) => level switch
    {
        Level.Campaign => Campaigns,
        Level.AdSet => AdSets,
        Level.Ad => Ads,
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>The account's own calendar day now: insight dates are counted in it.</summary>
    public DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime);
}

/// <summary>Meta-like 18-digit ids, unique per account, level and sequence.</summary>
internal sealed class IdMaker(int accountIndex)
{
    int _sequence;

    public string Next(Level level) => $"1202{accountIndex:D5}{(int)level}{Interlocked.Increment(ref _sequence):D8}";

    public string NextCreative() => $"1202{accountIndex:D5}9{Interlocked.Increment(ref _sequence):D8}";
}

/// <summary>
/// A campaign, ad set or ad. Parents are references so filters and effective status can look up. What the admin API
/// changes is settable; <see cref="EffectiveStatus"/> is derived from the object's own status and its parents' by
/// <see cref="Data.EffectiveStatus.Of"/> and kept current by whoever changes them.
/// </summary>
internal sealed class AdObject
{
    string? _createdText;
    string? _updatedText;
    DateTimeOffset _updatedTime;

    public required Level Level { get; init; }
    public required string Id { get; init; }
    public required AdAccount Account { get; init; }
    public AdObject? Campaign { get; set; }
    public AdObject? AdSet { get; set; }
    public required string Name { get; set; }

    /// <summary>What the advertiser set: ACTIVE, PAUSED, ARCHIVED or DELETED.</summary>
    public required string Status { get; set; }

    /// <summary>What Meta derives from the object's own status and its parents'.</summary>
    public required string EffectiveStatus { get; set; }

    /// <summary>
    /// What an ACTIVE object under delivering parents shows instead of ACTIVE: WITH_ISSUES, or for an ad DISAPPROVED
    /// or PENDING_REVIEW; null for none.
    /// </summary>
    public string? Issue { get; set; }

    /// <summary>The generator's note that a paused object spent earlier; <see cref="Delivery"/> holds the days it did.</summary>
    public bool HadDelivery { get; set; }

    /// <summary>The days the object delivered (or delivers, while open), in its account's calendar.</summary>
    public DeliveryDays Delivery { get; } = new();

    /// <summary>What the object's own metrics are drawn around; made at its first insight row.</summary>
    public MetricProfile? Profile { get; set; }

    /// <summary>Metric factors per day number that <c>restate</c> applied; null until one was.</summary>
    public Dictionary<int, double>? Restated { get; set; }

    public required DateTimeOffset CreatedTime { get; init; }

    public required DateTimeOffset UpdatedTime
    {
        get => _updatedTime;
        set
        {
            _updatedTime = value;
            _updatedText = null;
        }
    }

    /// <summary>The times as Meta writes them, made once: time zone conversion is the dearest part of a row.</summary>
    public string CreatedText => _createdText ??= Graph.Json.Time(CreatedTime, Account.Zone);

    public string UpdatedText => _updatedText ??= Graph.Json.Time(UpdatedTime, Account.Zone);

    public string? Objective { get; init; }
    public long? DailyBudget { get; set; }
    public long? LifetimeBudget { get; set; }
    public long? BidAmount { get; init; }
    public string? OptimizationGoal { get; init; }
    public Creative? Creative { get; set; }

    /// <summary>A campaign's ad sets or an ad set's ads, so parents' insights can add up their children's.</summary>
    public List<AdObject> Children { get; } = [];

    public string CampaignId => Level == Level.Campaign ? Id : Campaign!.Id;
    public string? AdSetId => Level switch
    {
        Level.AdSet => Id,
        Level.Ad => AdSet!.Id,
        _ => null,
    };

    public bool IsListed => EffectiveStatus is not (Data.EffectiveStatus.Archived or Data.EffectiveStatus.Deleted);

    /// <summary>The object and everything under it.</summary>
    public IEnumerable<AdObject> Subtree()
    {
        yield return this;
        foreach (var child in Children)
        {
            foreach (var item in child.Subtree())
            {
                yield return item;
            }
        }
    }
}

/// <summary>An ad's creative. The texts come from a shared pool so a 200,000-entity data set stays small.</summary>
internal sealed record Creative(string Id, string Name, string Title, string Body, string ImageHash, string CallToAction);
