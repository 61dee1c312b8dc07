using System.Buffers;
using System.Text.Json;

namespace MetaAdsSync.Gateway.Api;

/// <summary>Reads a request's JSON body within a size limit; anything malformed is a 400 problem naming <c>body</c>.</summary>
static class JsonBody
{
    /// <summary>The body's root element, or (null, null) for an empty body, or (null, problem).</summary>
    public static async Task<(JsonElement? Root, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.WrittenCount + read > maxBytes)
            {
                return (null, TooLarge(maxBytes));
            }

            buffer.Write(chunk.AsSpan(0, read));
        }

        if (buffer.WrittenCount == 0)
        {
            return (null, null);
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
            return json.RootElement.ValueKind == JsonValueKind.Object
                ? (json.RootElement.Clone(), null)
                : (null, Problems.BadRequest("body", $"The body must be a JSON object, not {Kind(json.RootElement)}."));
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest("body", "The body is not valid JSON: " + ex.Message));
        }
    }

    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.String => "a string",
        _ => "null",
    };

    public static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    static IResult TooLarge(int maxBytes) => Problems.BadRequest("body", $"The body is larger than {maxBytes / 1024} KiB.");
}
