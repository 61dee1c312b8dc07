using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;

namespace MetaAdsSync.Workers.Tests.GraphApi;

public class When_a_graph_call_is_throttled
{
    // A code no other test uses: the meter is process-wide and tests run in parallel.
    const int Code = 80002;
    const string Account = "act_5550001";
    const string BucBlocked = """{"1234":[{"type":"ads_management","call_count":100,"total_cputime":12,"total_time":30,"estimated_time_to_regain_access":60}]}""";

    [Fact]
    public async Task Should_count_the_call_the_error_and_the_throttle_by_code_and_keep_the_usage_of_its_key()
    {
        using var metrics = new MetricsCapture();
        using var h = new GraphClientHarness(new() { ["RateGate:MaxThrottleWait"] = "00:01:00" });
        h.Graph.ThenError(HttpStatusCode.BadRequest, new { message = "There have been too many calls", code = Code },
            new Dictionary<string, string> { ["X-Business-Use-Case-Usage"] = BucBlocked });

        await Assert.ThrowsAsync<RateGateBlockedException>(() => h.Client.GetEntitiesAsync(Account, EntityLevel.Campaign, Partition.WholeLevel, default).ToListAsync().AsTask());

        var code = Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(metrics.Of("metaadssync.graph.calls"), m =>
            m.Tags["edge"] == "campaigns" && m.Tags["use_case"] == "ads_management" && m.Tags["http_status"] == "400" && m.Tags["code"] == code);
        Assert.Contains(metrics.Of("metaadssync.graph.errors"), m => m.Tags["kind"] == "Throttled" && m.Tags["code"] == code);
        Assert.Contains(metrics.Of("metaadssync.graph.throttles"), m => m.Tags["code"] == code && m.Tags["app_wide"] == "False");
        Assert.Contains(metrics.Of("metaadssync.rategate.wait"), m => m.Tags["use_case"] == "ads_management");
        metrics.Observe();
        Assert.Contains(metrics.Of("metaadssync.graph.usage"), m => m.Tags["key"] == Account + "/ads_management" && m.Value == 100);
    }

    sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags);

    sealed class MetricsCapture : IDisposable
    {
        readonly MeterListener _listener = new();
        readonly ConcurrentQueue<Measured> _measured = new();

        public MetricsCapture()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GraphTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public IEnumerable<Measured> Of(string instrument) => _measured.Where(m => m.Instrument == instrument);

        public void Observe() => _listener.RecordObservableInstruments();

        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, tagValue) in tags)
            {
                map[key] = Convert.ToString(tagValue, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }

            _measured.Enqueue(new Measured(instrument.Name, value, map));
        }

        public void Dispose() => _listener.Dispose();
    }
}
