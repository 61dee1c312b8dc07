namespace MetaAdsSync.Contracts;

public static class EntityLevels
{
    /// <summary>The level as Meta's <c>level</c> parameter spells it, and so the <c>insights.level</c> column too.</summary>
    public static string Name(EntityLevel level) => level switch
    {
        EntityLevel.Campaign => "campaign",
        EntityLevel.AdSet => "adset",
        _ => "ad",
    };

    /// <summary>The level <see cref="Name"/> spells so; null for any other text.</summary>
    public static EntityLevel? Parse(string name) => name switch
    {
        "campaign" => EntityLevel.Campaign,
        "adset" => EntityLevel.AdSet,
        "ad" => EntityLevel.Ad,
        _ => null,
    };
}
