using System.Diagnostics.Metrics;
using MetaAdsSync.ServiceDefaults;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>The saga's own metrics, exported at /metrics with MassTransit's.</summary>
static class SyncMetrics
{
    static readonly Histogram<double> Duration = Telemetry.Meter.CreateHistogram<double>(
        "metaadssync.sync.duration", unit: "s", description: "Duration of a sync run, by trigger and outcome.");

    public static void RecordRun(string trigger, string outcome, TimeSpan duration) =>
        Duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("trigger", trigger), new KeyValuePair<string, object?>("status", outcome));
}
