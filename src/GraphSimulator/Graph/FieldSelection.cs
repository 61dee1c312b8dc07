namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>One requested field; <see cref="Sub"/> holds a field expansion such as <c>creative{id,title}</c>.</summary>
internal sealed record SelectedField(string Name, IReadOnlyList<SelectedField>? Sub);

/// <summary>Parses the <c>fields</c> parameter, expansions included, and checks every name against its node type.</summary>
internal static class FieldSelection
{
    public static IReadOnlyList<SelectedField> Parse(string? raw, NodeType node, IReadOnlyList<SelectedField> defaults)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return defaults;
        }

        var position = 0;
        var fields = ParseList(raw, ref position);
        if (position < raw.Length)
        {
            throw GraphErrors.InvalidParameter($"Syntax error \"Expected end of string instead of \"{raw[position]}\".\" at character {position}: {raw}");
        }

        Check(fields, node);
        // Meta answers a field asked for twice once; two equal keys would be JSON that some parsers refuse.
        return fields.DistinctBy(f => f.Name).ToList();
    }

    public static IReadOnlyList<SelectedField> Names(params string[] names) =>
        names.Select(n => new SelectedField(n, null)).ToList();

    static void Check(IReadOnlyList<SelectedField> fields, NodeType node)
    {
        foreach (var field in fields)
        {
            if (!node.Fields.Contains(field.Name))
            {
                throw GraphErrors.NonexistingField(field.Name, node.Name);
            }

            if (field.Sub is not null)
            {
                var expanded = node.Expansions.GetValueOrDefault(field.Name)
                    ?? throw GraphErrors.InvalidParameter($"Field {field.Name} does not support field expansion");
                Check(field.Sub, expanded);
            }
        }
    }

    static List<SelectedField> ParseList(string raw, ref int position)
    {
        var fields = new List<SelectedField>();
        while (position < raw.Length && raw[position] != '}')
        {
            var start = position;
            while (position < raw.Length && raw[position] is not (',' or '{' or '}'))
            {
                position++;
            }

            var name = raw[start..position].Trim();
            IReadOnlyList<SelectedField>? sub = null;
            if (position < raw.Length && raw[position] == '{')
            {
                position++;
                sub = ParseList(raw, ref position);
                if (position >= raw.Length || raw[position] != '}')
                {
                    throw GraphErrors.InvalidParameter($"Syntax error \"Expected \"}}\"\" at character {position}: {raw}");
                }

                position++;
            }

            if (name.Length > 0)
            {
                fields.Add(new SelectedField(name, sub));
            }

            if (position < raw.Length && raw[position] == ',')
            {
                position++;
            }
        }

        return fields;
    }
}
