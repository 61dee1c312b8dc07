namespace MetaAdsSync.Gateway.Accounts;

/// <summary>Meta's <c>account_status</c> in words; only 1 (ACTIVE) is scheduled.</summary>
public static class AccountStatusLabel
{
    public static string Of(int? status) => status switch
    {
        null or 1 => "Active",
        2 => "Disabled",
        3 => "Unsettled",
        7 => "Pending risk review",
        8 => "Pending settlement",
        9 => "In grace period",
        100 => "Pending closure",
        101 => "Closed",
        201 => "Any active",
        202 => "Any closed",
        _ => $"Status {status}",
    };
}
