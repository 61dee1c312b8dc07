using System.Text.Json;
using MetaAdsSync.GraphSimulator.Data;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// The <c>filtering</c> parameter, <c>[{"field":"adset.id","operator":"IN","value":[…]}]</c>, and
/// <c>effective_status</c>, compiled to predicates over objects of one level. A field names the object itself
/// (<c>id</c>, <c>effective_status</c>) or one of its parents (<c>campaign.id</c>, <c>adset.effective_status</c>).
/// </summary>
internal static class Filtering
{
    static readonly string[] Operators =
    [
        "EQUAL", "NOT_EQUAL", "GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL",
        "IN_RANGE", "NOT_IN_RANGE", "CONTAIN", "NOT_CONTAIN", "IN", "NOT_IN",
    ];

    static readonly string[] Properties = ["id", "name", "effective_status", "created_time", "updated_time"];

    /// <summary>A compiled filter list; <see cref="MentionsArchived"/> lets ARCHIVED objects through when asked for.</summary>
    internal sealed record Compiled(List<Func<AdObject, bool>> Predicates, bool MentionsArchived)
    {
        public bool Matches(AdObject item)
        {
            foreach (var predicate in Predicates)
            {
                if (!predicate(item))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public static Compiled Parse(string? filtering, string? effectiveStatus, Level level)
    {
        var predicates = new List<Func<AdObject, bool>>();
        var archived = false;
        if (!string.IsNullOrWhiteSpace(effectiveStatus))
        {
            var statuses = StatusList(effectiveStatus, level);
            archived |= statuses.Contains(EffectiveStatus.Archived);
            predicates.Add(o => statuses.Contains(o.EffectiveStatus));
        }

        if (!string.IsNullOrWhiteSpace(filtering))
        {
            foreach (var (field, op, value) in Read(filtering))
            {
                var (target, property) = Target(field, level);
                if (property == "effective_status" && target == level && op is "IN" or "EQUAL" or "CONTAIN")
                {
                    archived |= Strings(value).Contains(EffectiveStatus.Archived);
                }

                predicates.Add(Predicate(target, property, op, value));
            }
        }

        return new Compiled(predicates, archived);
    }

    static HashSet<string> StatusList(string raw, Level level)
    {
        var values = raw.TrimStart().StartsWith('[')
            ? Strings(Json.ParseArray(raw, "Param effective_status must be an array of statuses"))
            : [.. raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var allowed = EffectiveStatus.For(level);
        for (var i = 0; i < values.Count; i++)
        {
            if (!allowed.Contains(values[i]))
            {
                throw GraphErrors.InvalidParameter($"Param effective_status[{i}] must be one of {{{string.Join(", ", allowed)}}}");
            }
        }

        return [.. values];
    }

    static List<(string Field, string Operator, JsonElement Value)> Read(string filtering)
    {
        var root = Json.ParseArray(filtering, "param filtering must be an array.");

        var filters = new List<(string, string, JsonElement)>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("operator", out var op) || op.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("value", out var value))
            {
                throw GraphErrors.InvalidParameter($"param filtering[{index}] must have field, operator and value.");
            }

            if (!Operators.Contains(op.GetString()))
            {
                throw GraphErrors.InvalidParameter($"param filtering[{index}][operator] must be one of the following values: {string.Join(", ", Operators)}.");
            }

            filters.Add((field.GetString()!, op.GetString()!, value));
            index++;
        }

        return filters;
    }

    static (Level Target, string Property) Target(string field, Level level)
    {
        var dot = field.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot < 0 ? null : field[..dot];
        var property = dot < 0 ? field : field[(dot + 1)..];
        Level? target = prefix switch
        {
            null => level,
            "campaign" => Level.Campaign,
            "adset" => Level.AdSet,
            "ad" => Level.Ad,
            _ => null,
        };
        if (target is null || target > level || level == Level.Account || !Properties.Contains(property))
        {
            throw GraphErrors.InvalidParameter($"Filtering field {field} is invalid.");
        }

        return (target.Value, property);
    }

    static Func<AdObject, bool> Predicate(Level target, string property, string op, JsonElement value)
    {
        Func<AdObject, AdObject> pick = target switch
        {
            Level.Campaign => o => o.Campaign ?? o,
            Level.AdSet => o => o.AdSet ?? o,
            _ => o => o,
        };

        if (property is "created_time" or "updated_time")
        {
            var bounds = Numbers(value);
            Func<AdObject, long> time = property == "created_time"
                ? o => pick(o).CreatedTime.ToUnixTimeSeconds()
                : o => pick(o).UpdatedTime.ToUnixTimeSeconds();
            return op switch
            {
                "GREATER_THAN" => o => time(o) > bounds[0],
                "GREATER_THAN_OR_EQUAL" => o => time(o) >= bounds[0],
                "LESS_THAN" => o => time(o) < bounds[0],
                "LESS_THAN_OR_EQUAL" => o => time(o) <= bounds[0],
                "EQUAL" => o => time(o) == bounds[0],
                "NOT_EQUAL" => o => time(o) != bounds[0],
                "IN_RANGE" => o => time(o) >= bounds[0] && time(o) <= bounds[^1],
                "NOT_IN_RANGE" => o => time(o) < bounds[0] || time(o) > bounds[^1],
                "IN" => o => bounds.Contains(time(o)),
                "NOT_IN" => o => !bounds.Contains(time(o)),
                _ => throw GraphErrors.InvalidParameter($"Operator {op} is not supported on {property}."),
            };
        }

        Func<AdObject, string> text = property switch
        {
            "id" => o => pick(o).Id,
            "name" => o => pick(o).Name,
            _ => o => pick(o).EffectiveStatus,
        };
        var values = Strings(value).ToHashSet(StringComparer.Ordinal);
        var first = values.FirstOrDefault() ?? "";
        return op switch
        {
            "EQUAL" => o => text(o) == first,
            "NOT_EQUAL" => o => text(o) != first,
            "IN" => o => values.Contains(text(o)),
            "NOT_IN" => o => !values.Contains(text(o)),
            "CONTAIN" => o => text(o).Contains(first, StringComparison.OrdinalIgnoreCase),
            "NOT_CONTAIN" => o => !text(o).Contains(first, StringComparison.OrdinalIgnoreCase),
            _ => throw GraphErrors.InvalidParameter($"Operator {op} is not supported on {property}."),
        };
    }

    static List<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(Scalar).ToList(),
        _ => [Scalar(value)],
    };

    static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    static List<long> Numbers(JsonElement value)
    {
        var numbers = new List<long>();
        foreach (var text in Strings(value))
        {
            if (!long.TryParse(text, out var number))
            {
                throw GraphErrors.InvalidParameter($"Filtering value {text} must be a unix time in seconds.");
            }

            numbers.Add(number);
        }

        return numbers.Count == 0 ? throw GraphErrors.InvalidParameter("Filtering value must not be empty.") : numbers;
    }
}
