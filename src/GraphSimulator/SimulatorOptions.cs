using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// <c>Simulator:*</c>: the data set, the limits and the faults of the simulated Graph API. Everything but
/// the data set (<see cref="Seed"/>, <see cref="IncludeSeedAccounts"/>, the synthetic accounts) can change at
/// run time through <c>POST /_sim/config</c> or <see cref="RunningSimulator.Configure"/>.
/// </summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Tokens that may read everything. Any other token gets code 190.</summary>
    public string[] AccessTokens { get; set; } = ["simulator-token"];

    /// <summary>Valid tokens that lack ads_read: every call gets code 200.</summary>
    public string[] TokensWithoutPermission { get; set; } = ["simulator-token-without-permission"];

    /// <summary>Ad accounts (<c>act_…</c>) no token may read: every call naming one gets code 200, as for a token without ads_read.</summary>
    public string[] AccountsWithoutPermission { get; set; } = [];

    /// <summary>Tokens that were valid once: every call gets code 190, subcode 463 (expired).</summary>
    public string[] ExpiredTokens { get; set; } = ["simulator-token-expired"];

    /// <summary>Drives the data set, the insight metrics, the jitter and the faults.</summary>
    public int Seed { get; set; } = 20260812;

    /// <summary>The twelve accounts of the seed audit (<c>Data/seed-accounts.json</c>).</summary>
    public bool IncludeSeedAccounts { get; set; } = true;

    /// <summary>Extra generated accounts for scale runs, after the seed accounts.</summary>
    [Range(0, 100_000)]
    public int SyntheticAccounts { get; set; }

    /// <summary>Mean entities (campaigns + ad sets + ads) of a synthetic account.</summary>
    [Range(1, 1_000_000)]
    public int SyntheticMeanEntities { get; set; } = 1000;

    public SyntheticSizeDistribution SyntheticDistribution { get; set; } = SyntheticSizeDistribution.Skewed;

    /// <summary>Entities of a synthetic account per campaign (its ad sets and ads included): 20, as the seed's accounts have about.</summary>
    [Range(3, 1_000_000)]
    public int SyntheticEntitiesPerCampaign { get; set; } = 20;

    [Range(0, 600_000)]
    public int LatencyMs { get; set; }

    /// <summary>Up to this much is added to <see cref="LatencyMs"/>, drawn from the seed per call.</summary>
    [Range(0, 600_000)]
    public int LatencyJitterMs { get; set; }

    /// <summary>Calls per ad account per window before Meta throttles (the seed planned for 200 per hour).</summary>
    [Range(1, int.MaxValue)]
    public int CallBudget { get; set; } = 200;

    /// <summary>Calls per app per window before code 4.</summary>
    [Range(1, int.MaxValue)]
    public int AppCallBudget { get; set; } = 1_000_000;

    [Range(1, 86_400)]
    public int BudgetWindowSeconds { get; set; } = 3600;

    /// <summary>How long an account (or the app) stays blocked once over budget.</summary>
    [Range(1, 86_400)]
    public int BlockSeconds { get; set; } = 300;

    /// <summary>
    /// How long after the first answer that told of a block went out a client is given to hear of it, before its calls
    /// count as "while blocked": the answer's way back, the client's bookkeeping and, for a client of many processes,
    /// telling the others. 0 counts every call that arrives once the answer has gone out.
    /// </summary>
    [Range(0, 60_000)]
    public int ThrottleNoticeMs { get; set; }

    public ThrottleErrorVariant ThrottleError { get; set; } = ThrottleErrorVariant.BusinessUseCase;

    /// <summary>
    /// A response body larger than this is refused with "Please reduce the amount of data…". The default lets
    /// 250 ads with creative through and stops 500, as Meta did for the seed.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int PayloadLimitBytes { get; set; } = 400_000;

    public PayloadErrorVariant PayloadError { get; set; } = PayloadErrorVariant.Documented;

    /// <summary>
    /// The longest request target (path and query as sent, percent-encoded) answered; a longer one gets HTTP 414 with
    /// code 100. Meta does not publish its limit; 8 KB is what common front ends (Kestrel, nginx) accept by default.
    /// Batch sub-requests travel in the body and are not limited.
    /// </summary>
    [Range(256, 1_000_000)]
    public int MaxUrlLength { get; set; } = 8192;

    /// <summary>Share of calls answered with a transient error (code 2, HTTP 500 or 503).</summary>
    [Range(0.0, 1.0)]
    public double TransientErrorRate { get; set; }

    /// <summary>Share of calls answered only after <see cref="SlowResponseMs"/>, beyond a client's timeout.</summary>
    [Range(0.0, 1.0)]
    public double SlowResponseRate { get; set; }

    [Range(0, 3_600_000)]
    public int SlowResponseMs { get; set; } = 60_000;

    /// <summary>Share of list calls refused as too large whatever their size (Meta's estimate is not the size).</summary>
    [Range(0.0, 1.0)]
    public double PayloadRejectionRate { get; set; }

    /// <summary>Share of batch sub-requests Meta gives up on: answered as <c>null</c> in the batch, to be re-sent.</summary>
    [Range(0.0, 1.0)]
    public double BatchNullRate { get; set; }

    /// <summary>The clock behind windows, blocks and date presets; tests may pass a fake one.</summary>
    [JsonIgnore]
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    internal SimulatorOptions Clone() => (SimulatorOptions)MemberwiseClone();
}

public enum SyntheticSizeDistribution
{
    /// <summary>Every synthetic account has about the mean.</summary>
    Uniform,

    /// <summary>Log-normal: many small accounts and a few very large ones, as real portfolios look.</summary>
    Skewed,
}

public enum ThrottleErrorVariant
{
    /// <summary>80004 on entity edges, 80000 on insights, subcode 2446079.</summary>
    BusinessUseCase,

    /// <summary>17 / 2446079, "User request limit reached".</summary>
    UserRequestLimit,

    /// <summary>613 / 1487742, "There have been too many calls from this ad-account".</summary>
    AdAccountLimit,
}

public enum PayloadErrorVariant
{
    /// <summary>Code 100, subcode 1487534, HTTP 400.</summary>
    Documented,

    /// <summary>Code 1 with HTTP 500 (observed).</summary>
    CodeOneServerError,

    /// <summary>Code 1, subcode 99, "An unknown error occurred", the phrase only in error_user_msg (observed).</summary>
    UnknownErrorWithUserMessage,
}
