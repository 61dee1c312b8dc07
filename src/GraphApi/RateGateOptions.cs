using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// <c>RateGate:*</c>, every setting of how Graph calls are paced, in one class beside <see cref="IRateGate"/> since both
/// gates and the transport read it (the shared gate's project references this one, not the other way round).
/// The PostgreSQL-shared gate paces every worker's Graph calls; without
/// <see cref="CallBudget"/> it steers by Meta's usage headers alone (Meta's standard tier counts in the tens of
/// thousands of calls per hour, so the headers are the only reliable measure); with it, each ad account (both use
/// cases together, as Meta's <c>X-Ad-Account-Usage</c> counts) and the app also count their calls in a sliding window
/// like Meta's, which never holds more than the budget, and are paced by a bucket that spends it evenly.
/// </summary>
public sealed class RateGateOptions : IValidatableObject
{
    public const string Section = "RateGate";

    /// <summary>The longest a call waits for a throttle to lift; longer throttles fail the call (the saga decides what next).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "RateGate:MaxThrottleWait must be between 0 and 1 hour.")]
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The block assumed when a throttle error carries no time to regain access.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "RateGate:DefaultThrottleWait must be between 0 and 1 hour.")]
    public TimeSpan DefaultThrottleWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The per-process gate only: Graph calls one process makes at once.</summary>
    [Range(1, 256, ErrorMessage = "RateGate:MaxConcurrentCalls must be between 1 and 256.")]
    public int MaxConcurrentCalls { get; set; } = 8;

    /// <summary>The per-process gate only: the pause before each call when usage reaches 100 %; it grows smoothly from nothing at <see cref="SlowdownFromPercent"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "RateGate:MaxSlowdownDelay must be between 0 and 5 minutes.")]
    public TimeSpan MaxSlowdownDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(0, 100, ErrorMessage = "RateGate:SlowdownFromPercent must be between 0 and 100.")]
    public double SlowdownFromPercent { get; set; } = 60;

    /// <summary>Calls per ad account (its two use cases together) and per app per <see cref="BudgetWindow"/> (e.g. the seed's 200 per hour); 0 = steer by the usage headers only.</summary>
    [Range(0, 10_000_000, ErrorMessage = "RateGate:CallBudget must be between 0 (none) and 10000000.")]
    public int CallBudget { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "RateGate:BudgetWindow must be between 1 second and 1 day.")]
    public TimeSpan BudgetWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The share of the budget that may go out at once after a quiet spell (at least one call). The window bounds every
    /// burst, so a larger share cannot overshoot; it only makes the calls less even.
    /// </summary>
    [Range(0.0, 0.5, ErrorMessage = "RateGate:BurstShare must be between 0 and 0.5.")]
    public double BurstShare { get; set; } = 0.05;

    /// <summary>Slices of <see cref="BudgetWindow"/> in which an explicit budget is counted, as Meta's usage decays.</summary>
    public const int BudgetSlices = 60;

    /// <summary>A call stays counted this many slices beyond the window: one for its way to Meta, one because Meta's slices need not line up with ours.</summary>
    public const int SlicesBeyondWindow = 2;

    /// <summary>Concurrent calls per key at first; it then grows while usage is low and shrinks as it rises.</summary>
    [Range(1, 256, ErrorMessage = "RateGate:InitialConcurrency must be between 1 and 256.")]
    public int InitialConcurrency { get; set; } = 4;

    [Range(1, 256, ErrorMessage = "RateGate:MinConcurrency must be between 1 and 256.")]
    public int MinConcurrency { get; set; } = 1;

    [Range(1, 256, ErrorMessage = "RateGate:MaxConcurrency must be between 1 and 256.")]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Below this usage the cap grows by one per round of calls.</summary>
    [Range(0, 100, ErrorMessage = "RateGate:GrowBelowPercent must be between 0 and 100.")]
    public double GrowBelowPercent { get; set; } = 50;

    /// <summary>From this usage the cap shrinks by <see cref="ShrinkFactor"/> per round of calls.</summary>
    [Range(0, 100, ErrorMessage = "RateGate:ShrinkFromPercent must be between 0 and 100.")]
    public double ShrinkFromPercent { get; set; } = 75;

    [Range(0.1, 0.95, ErrorMessage = "RateGate:ShrinkFactor must be between 0.1 and 0.95.")]
    public double ShrinkFactor { get; set; } = 0.5;

    /// <summary>
    /// Without a budget: from this usage no new call starts until the usage report is <see cref="HighUsagePause"/> old
    /// (the window has decayed); then one probe refreshes it. With one the window knows when calls leave it instead.
    /// </summary>
    [Range(1, 100, ErrorMessage = "RateGate:StopAtPercent must be between 1 and 100.")]
    public double StopAtPercent { get; set; } = 95;

    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00", ErrorMessage = "RateGate:HighUsagePause must be between 100 ms and 1 hour.")]
    public TimeSpan HighUsagePause { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Up to this much is added at random to Meta's time to regain access, so that workers do not all return at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "RateGate:BlockJitter must be between 0 and 5 minutes.")]
    public TimeSpan BlockJitter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a permit lives if its holder never gives it back (a killed worker); longer than any one call.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "RateGate:LeaseTime must be between 1 second and 1 hour.")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often a waiting caller asks again when no release of its key wakes it first (jittered ±50 %).</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:01:00", ErrorMessage = "RateGate:PollInterval must be between 10 ms and 1 minute.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a call waits for a permit before its message is given back for a later retry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "RateGate:AcquireTimeout must be between 1 second and 1 hour.")]
    public TimeSpan AcquireTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Where the cap starts to shrink. With a budget the window paces the calls, and any usage up to the whole budget is
    /// the gate's own doing (usage that others cause is counted into the window), so shrinking below it would only
    /// starve the budget.
    /// </summary>
    public double ShrinkAtPercent => CallBudget == 0 ? ShrinkFromPercent : 100;

    /// <summary>The bucket's pace: the budget per window as the gate counts it, with its extra slices (0 without a budget).</summary>
    public double TokensPerSecond => CallBudget == 0 ? 0
        : CallBudget / (BudgetWindow.TotalSeconds * (BudgetSlices + SlicesBeyondWindow) / BudgetSlices);

    /// <summary>The bucket's size: the burst after a quiet spell.</summary>
    public double BucketSize => Math.Max(1, Math.Floor(CallBudget * BurstShare));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinConcurrency > InitialConcurrency || InitialConcurrency > MaxConcurrency)
        {
            yield return new ValidationResult("RateGate: MinConcurrency ≤ InitialConcurrency ≤ MaxConcurrency must hold.", [nameof(InitialConcurrency)]);
        }

        if (GrowBelowPercent > ShrinkFromPercent || ShrinkFromPercent > StopAtPercent)
        {
            yield return new ValidationResult("RateGate: GrowBelowPercent ≤ ShrinkFromPercent ≤ StopAtPercent must hold.", [nameof(ShrinkFromPercent)]);
        }
    }
}
