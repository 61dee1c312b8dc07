using System.Text.Json.Serialization;

namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// A change to a campaign, ad set or ad (<c>POST /_sim/objects/{id}</c>); a null field stays as it is. Status ACTIVE,
/// PAUSED, ARCHIVED or DELETED (Meta's delete: still readable by id); <see cref="AdSetId"/> moves an ad.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ObjectChange(
    string? Status = null,
    string? Name = null,
    string? AdSetId = null,
    long? DailyBudget = null,
    long? LifetimeBudget = null,
    string? CreativeTitle = null,
    string? CreativeBody = null);

/// <summary>A new campaign, ad set or ad; what is left out is drawn as the generator draws it. Status ACTIVE (default) or PAUSED.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record NewObject(string? Name = null, string? Status = null, long? DailyBudget = null);

/// <summary>A change to an ad account (<c>POST /_sim/accounts/{id}</c>): the token's access to it, Meta's <c>account_status</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AccountChange(bool? Accessible = null, int? AccountStatus = null);

/// <summary>Meta restating days: every metric of the days from <see cref="Since"/> to <see cref="Until"/> times <see cref="Factor"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record Restatement(
    [property: JsonRequired] DateOnly Since,
    [property: JsonRequired] DateOnly Until,
    [property: JsonRequired] double Factor);

/// <summary>What a restatement touched: the objects (the one named and everything under it) and the days of each.</summary>
public sealed record Restated(int Objects, int Days);
