using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.GraphApi;

/// <summary><c>Meta:*</c>: which Graph API to call and with what token. The token is a secret: never logged.</summary>
public sealed class MetaOptions
{
    public const string Section = "Meta";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Meta:BaseUrl is required, e.g. https://graph.facebook.com.")]
    [Url(ErrorMessage = "Meta:BaseUrl must be an absolute http(s) URL.")]
    public string BaseUrl { get; set; } = "https://graph.facebook.com";

    [Required(AllowEmptyStrings = false, ErrorMessage = "Meta:ApiVersion is required, e.g. v25.0.")]
    [RegularExpression(@"^v\d+\.\d+$", ErrorMessage = "Meta:ApiVersion must look like v25.0.")]
    public string ApiVersion { get; set; } = "v25.0";

    public string AccessToken { get; set; } = "";
}
