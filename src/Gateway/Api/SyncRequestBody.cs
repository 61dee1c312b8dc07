using System.Buffers;
using System.Text.Json;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Gateway.Api;

/// <summary>The seed's contract: <c>{"accountId": "act_…" | "all" | absent, "datePreset": "last_7d", "force": false}</c>.</summary>
sealed record SyncRequestBody(string? AccountId, string DatePreset, bool Force)
{
    public const int MaxBytes = 16 * 1024;

    /// <summary>True when the caller asked only for the refreshed accounts list.</summary>
    public bool AccountsOnly => AccountId is null;

    /// <summary>Reads and checks the body; on anything wrong, a 400 problem naming the field instead.</summary>
    public static async Task<(SyncRequestBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.WrittenCount + read > MaxBytes)
            {
                return (null, TooLarge());
            }

            buffer.Write(chunk.AsSpan(0, read));
        }

        if (buffer.WrittenCount == 0)
        {
            return (new SyncRequestBody(null, SyncAccountRequested.DefaultDatePreset, false), null);
        }

        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.BadRequest("body", $"The body must be JSON (Content-Type: application/json), not '{type}'."));
        }

        // JsonDocument checks the bytes of a string only when it is read, which would throw past this check.
        if (!System.Text.Unicode.Utf8.IsValid(buffer.WrittenSpan))
        {
            return (null, Problems.BadRequest("body", "The body is not valid UTF-8."));
        }

        try
        {
            using var json = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 16 });
            return Check(json.RootElement);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest("body", "The body is not valid JSON: " + ex.Message));
        }
    }

    static (SyncRequestBody?, IResult?) Check(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, Problems.BadRequest("body", $"The body must be a JSON object, not {Kind(root)}."));
        }

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

    static IResult TooLarge() => Problems.BadRequest("body", $"The body is larger than {MaxBytes / 1024} KiB.");

    static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.String => "a string",
        _ => "null",
    };

    static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
