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
    public int AccountStatus { get; init; } = 1;
    public TimeZoneInfo Zone => Zones.Find(Timezone);
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
}

/// <summary>A campaign, ad set or ad. Parents are references so filters and effective status can look up.</summary>
internal sealed class AdObject
{
    string? _createdText;
    string? _updatedText;

    public required Level Level { get; init; }
    public required string Id { get; init; }
    public required AdAccount Account { get; init; }
    public AdObject? Campaign { get; init; }
    public AdObject? AdSet { get; init; }
    public required string Name { get; init; }

    /// <summary>What the advertiser set: ACTIVE, PAUSED, ARCHIVED or DELETED.</summary>
    public required string Status { get; init; }

    /// <summary>What Meta derives from the object's own status and its parents'.</summary>
    public required string EffectiveStatus { get; init; }

    /// <summary>A paused object that spent earlier: it has insight rows for the longer presets only.</summary>
    public bool HadDelivery { get; set; }

    public required DateTimeOffset CreatedTime { get; init; }
    public required DateTimeOffset UpdatedTime { get; init; }

    /// <summary>The times as Meta writes them, made once: time zone conversion is the dearest part of a row.</summary>
    public string CreatedText => _createdText ??= Graph.Json.Time(CreatedTime, Account.Zone);

    public string UpdatedText => _updatedText ??= Graph.Json.Time(UpdatedTime, Account.Zone);

    public string? Objective { get; init; }
    public long? DailyBudget { get; init; }
    public long? LifetimeBudget { get; init; }
    public long? BidAmount { get; init; }
    public string? OptimizationGoal { get; init; }
    public Creative? Creative { get; init; }

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
}

/// <summary>An ad's creative. The texts come from a shared pool so a 200,000-entity data set stays small.</summary>
internal sealed record Creative(string Id, string Name, string Title, string Body, string ImageHash, string CallToAction);
