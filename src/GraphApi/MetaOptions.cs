using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.GraphApi;

/// <summary><c>Meta:*</c>: which Graph API to call, with what token, and how each call is retried (how calls are paced is <c>RateGate:*</c>). The token is a secret: never logged.</summary>
public sealed class MetaOptions : IValidatableObject
{
    public const string Section = "Meta";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Meta:BaseUrl is required, e.g. https://graph.facebook.com.")]
    [Url(ErrorMessage = "Meta:BaseUrl must be an absolute http(s) URL.")]
    public string BaseUrl { get; set; } = "https://graph.facebook.com";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Meta:ApiVersion is required, e.g. v25.0.")]
    [RegularExpression(@"^v\d+\.\d+$", ErrorMessage = "Meta:ApiVersion must look like v25.0.")]
    public string ApiVersion { get; set; } = "v25.0";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Meta:AccessToken is required (the simulator's is simulator-token).")]
    public string AccessToken { get; set; } = "";

    /// <summary>First <c>limit</c> of each edge; halved on "reduce the amount of data" and remembered per account.</summary>
    [Range(1, 5000, ErrorMessage = "Meta:CampaignPageSize must be between 1 and 5000.")]
    public int CampaignPageSize { get; set; } = 500;

    [Range(1, 5000, ErrorMessage = "Meta:AdSetPageSize must be between 1 and 5000.")]
    public int AdSetPageSize { get; set; } = 500;

    [Range(1, 5000, ErrorMessage = "Meta:AdPageSize must be between 1 and 5000.")]
    public int AdPageSize { get; set; } = 500;

    [Range(1, 5000, ErrorMessage = "Meta:InsightPageSize must be between 1 and 5000.")]
    public int InsightPageSize { get; set; } = 500;

    /// <summary>Below this <c>limit</c> a page that is still too large fails, naming the edge.</summary>
    [Range(1, 5000, ErrorMessage = "Meta:MinPageSize must be between 1 and 5000.")]
    public int MinPageSize { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = "Meta:AttemptTimeout must be between 1 ms and 10 minutes.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 10, ErrorMessage = "Meta:MaxRetryAttempts must be between 1 and 10.")]
    public int MaxRetryAttempts { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Meta:RetryBaseDelay must be between 0 and 1 minute.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Meta:RetryMaxDelay must be between 0 and 10 minutes.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a host's circuit stays open once most recent calls failed transiently.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:10:00", ErrorMessage = "Meta:CircuitBreakDuration must be between 0.5 s and 10 minutes.")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinPageSize > Math.Min(Math.Min(CampaignPageSize, AdSetPageSize), Math.Min(AdPageSize, InsightPageSize)))
        {
            yield return new ValidationResult("Meta:MinPageSize must not exceed any edge's page size.", [nameof(MinPageSize)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Meta:RetryMaxDelay must not be shorter than Meta:RetryBaseDelay.", [nameof(RetryMaxDelay)]);
        }
    }
}
