namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>A Graph node type: its name in errors, the fields it has and which of them expand.</summary>
internal sealed class NodeType(string name, IEnumerable<string> fields, Dictionary<string, NodeType>? expansions = null)
{
    public string Name { get; } = name;
    public HashSet<string> Fields { get; } = new(fields, StringComparer.Ordinal);
    public Dictionary<string, NodeType> Expansions { get; } = expansions ?? [];
}
