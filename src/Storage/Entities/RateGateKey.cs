namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The rate gate's shared state for one key (<c>app</c>, or <c>act_…/ads_management</c>, <c>act_…/ads_insights</c>;
/// with an explicit budget also <c>act_…</c>, use case <c>account</c>: the bucket and window both use cases spend): every worker
/// process reads and changes it with one atomic statement per acquire, release and report.
/// </summary>
public class RateGateKey
{
    public required string Key { get; set; }
    /// <summary>Null for the app key.</summary>
    public string? AccountId { get; set; }
    public required string UseCase { get; set; }
    /// <summary>Fractional so that growth can be additive per round of calls; the cap is its floor.</summary>
    public double AllowedConcurrency { get; set; }
    public int InFlight { get; set; }
    /// <summary>The live permits, <c>[{"id":…,"until":unix seconds}]</c>: a holder that dies leaves one that expires.</summary>
    public string Leases { get; set; } = "[]";
    public DateTimeOffset WindowStartedAt { get; set; }
    public int WindowUsed { get; set; }
    /// <summary>The explicit budget's pacing bucket, on the account's row and the app's (unused without <c>RateGate:CallBudget</c>).</summary>
    public double Tokens { get; set; }
    public DateTimeOffset TokensAt { get; set; }
    /// <summary>
    /// The explicit budget's sliding window, on the account's row and the app's (empty without <c>RateGate:CallBudget</c>):
    /// calls per slice of the window, <c>{"&lt;slice number&gt;":calls}</c>, as Meta's usage decays slice by slice.
    /// </summary>
    public string Slices { get; set; } = "{}";
    public double UsagePercent { get; set; }
    public DateTimeOffset? UsageAt { get; set; }
    public DateTimeOffset? BlockedUntil { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
