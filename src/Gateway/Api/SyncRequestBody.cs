using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.GraphApi;
using static MetaAdsSync.Gateway.Api.JsonBody;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// The seed's contract: <c>{"accountId": "act_…" | "all" | absent, "datePreset": "last_7d", "force": false}</c>. Read by
/// hand (<see cref="ReadAsync"/>) so that every refusal names its field; the attributes describe it in the OpenAPI document.
/// </summary>
sealed record SyncRequestBody(
    [property: Description("The ad account to sync (act_ and up to 20 digits); \"all\" or absent: only refresh the accounts list.")]
    [property: RegularExpression("^(all|act_[0-9]{1,20})$")]
    string? AccountId = null,
    [property: Description("Meta's date preset of the insights to read (today, yesterday, last_3d, last_7d, last_14d, last_28d, last_30d, last_90d, this_month, last_month, maximum, …); last_7d when absent.")]
    string DatePreset = SyncAccountRequested.DefaultDatePreset,
    [property: Description("Read from Meta even what was read recently.")]
    bool Force = false)
{
    public const int MaxBytes = 16 * 1024;

    /// <summary>True when the caller asked only for the refreshed accounts list.</summary>
    [JsonIgnore]
    public bool AccountsOnly => AccountId is null;

    /// <summary>Reads and checks the body; on anything wrong, a 400 problem naming the field instead.</summary>
    public static async Task<(SyncRequestBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (root, problem) = await JsonBody.ReadAsync(request, MaxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        return root is { } body ? Check(body) : (new SyncRequestBody(null, SyncAccountRequested.DefaultDatePreset, false), null);
    }

    static (SyncRequestBody?, IResult?) Check(JsonElement root)
    {
        string? accountId = null;
        var datePreset = SyncAccountRequested.DefaultDatePreset;
        var force = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                return (null, Problems.BadRequest(property.Name, $"'{property.Name}' appears more than once."));
            }

            var value = property.Value;
            switch (property.Name)
            {
                case "accountId" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "accountId" when value.ValueKind != JsonValueKind.String:
                    return (null, Problems.BadRequest("accountId", $"accountId must be a string like \"act_123\" or \"all\", not {Kind(value)}."));
                case "accountId":
                    var id = value.GetString()!;
                    if (id != "all" && !AccountQueries.IsAccountId(id))
                    {
                        return (null, Problems.BadRequest("accountId", $"accountId must be \"all\" or match ^act_[0-9]{{1,20}}$; got \"{Truncate(id)}\"."));
                    }

                    accountId = id == "all" ? null : id;
                    break;
                case "datePreset" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "datePreset" when value.ValueKind != JsonValueKind.String:
                    return (null, Problems.BadRequest("datePreset", $"datePreset must be a string such as \"last_7d\", not {Kind(value)}."));
                case "datePreset":
                    datePreset = value.GetString()!;
                    if (!MetaDatePresets.All.Contains(datePreset))
                    {
                        return (null, Problems.BadRequest("datePreset",
                            $"datePreset \"{Truncate(datePreset)}\" is not one of Meta's presets: {string.Join(", ", MetaDatePresets.All)}."));
                    }

                    break;
                case "force" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    force = value.GetBoolean();
                    break;
                case "force" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "force":
                    return (null, Problems.BadRequest("force", $"force must be true or false, not {Kind(value)}."));
                default:
                    return (null, Problems.BadRequest(Truncate(property.Name), $"Unknown field '{Truncate(property.Name)}': the body takes accountId, datePreset and force."));
            }
        }

        return (new SyncRequestBody(accountId, datePreset, force), null);
    }
}
