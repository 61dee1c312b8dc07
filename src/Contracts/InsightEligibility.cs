namespace MetaAdsSync.Contracts;

/// <summary>The seed's allow-list: only entities in these effective statuses get insights.</summary>
public static class InsightEligibility
{
    public const string Active = "ACTIVE";
    public const string WithIssues = "WITH_ISSUES";

    /// <summary>For SQL: <c>effective_status = ANY(@eligible)</c>.</summary>
    public static readonly string[] Statuses = [Active, WithIssues];

    public static bool IsEligible(string? effectiveStatus) => effectiveStatus is Active or WithIssues;
}
