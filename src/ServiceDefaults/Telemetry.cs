using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>The project's own ActivitySource and Meter names, shared by every host.</summary>
public static class Telemetry
{
    public const string SourceName = "MetaAdsSync";
    public const string MeterName = "MetaAdsSync";

    public static readonly ActivitySource Source = new(SourceName);
    public static readonly Meter Meter = new(MeterName);
}
