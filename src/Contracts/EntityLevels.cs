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
}
