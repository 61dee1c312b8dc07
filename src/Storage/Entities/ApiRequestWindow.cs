namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The Gateway's fixed-window count of sync requests per caller (an API key's id, or a client address when the API is
/// anonymous), shared by every Gateway so a key's quota holds however many of them serve it.
/// </summary>
public class ApiRequestWindow
{
    /// <summary><c>key:&lt;id&gt;</c> or <c>ip:&lt;address&gt;</c>.</summary>
    public required string Partition { get; set; }
    /// <summary>The minute (database clock) the count belongs to.</summary>
    public DateTimeOffset WindowStartedAt { get; set; }
    public int Requests { get; set; }
}
