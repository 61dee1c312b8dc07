using System.Globalization;
using System.Text.Json;

namespace MetaAdsSync.GraphApi;

/// <summary>
/// Lenient readers for Meta's JSON: metrics and budgets arrive as strings, fields go missing, objects arrive as null.
/// Anything unreadable becomes null and, where a <see cref="Warnings"/> sink is given, one warning line.
/// </summary>
static class MetaJson
{
    public static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    public static int? Int(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out var i) => i,
            JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            _ => null,
        } : null;

    public static long? Long(JsonElement obj, string name, string entityId, Warnings warnings)
    {
        var raw = Raw(obj, name);
        if (raw is null)
        {
            return null;
        }

        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // Meta sometimes writes integral counts as "12.0".
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue)
        {
            return (long)d;
        }

        warnings.Add(entityId, name, raw);
        return null;
    }

    public static decimal? Decimal(JsonElement obj, string name, string entityId, Warnings warnings)
    {
        var raw = Raw(obj, name);
        if (raw is null)
        {
            return null;
        }

        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        warnings.Add(entityId, name, raw);
        return null;
    }

    public static DateTimeOffset? Time(JsonElement obj, string name, string entityId, Warnings warnings)
    {
        var raw = Raw(obj, name);
        if (raw is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value.ToUniversalTime();
        }

        warnings.Add(entityId, name, raw);
        return null;
    }

    public static DateOnly? Date(JsonElement obj, string name, string entityId, Warnings warnings)
    {
        var raw = Raw(obj, name);
        if (raw is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value;
        }

        warnings.Add(entityId, name, raw);
        return null;
    }

    /// <summary>An object or array as its JSON text; null (with a warning when the field is present but of another kind) otherwise.</summary>
    public static string? Json(JsonElement obj, string name, JsonValueKind expected, string entityId, Warnings warnings)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (v.ValueKind == expected)
        {
            return v.GetRawText();
        }

        warnings.Add(entityId, name, v.ValueKind.ToString());
        return null;
    }

    static string? Raw(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => v.GetRawText(),
        } : null;
}

/// <summary>Unreadable values of one page: counted, with the first few kept for the log line.</summary>
public sealed class Warnings
{
    const int Kept = 5;
    readonly List<string> _first = [];

    public int Count { get; private set; }
    public IReadOnlyList<string> First => _first;

    public void Add(string entityId, string field, string value)
    {
        Count++;
        if (_first.Count < Kept)
        {
            _first.Add($"{entityId}.{field}={Truncate(value)}");
        }
    }

    public void Add(string message)
    {
        Count++;
        if (_first.Count < Kept)
        {
            _first.Add(message);
        }
    }

    public override string ToString() => Count == 0 ? "" : $"{Count} unreadable value(s), e.g. {string.Join("; ", _first)}";

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
