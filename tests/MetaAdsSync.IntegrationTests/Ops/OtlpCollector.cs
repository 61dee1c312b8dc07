using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.IntegrationTests.Ops;

/// <summary>One span as a host exported it over OTLP.</summary>
public sealed record CollectedSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
}

/// <summary>
/// An in-memory OTLP/HTTP trace receiver on loopback: the real host processes export to it
/// (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>) and the test reads the spans it kept. Metrics and logs posted to
/// it are accepted and dropped. It decodes just the protobuf fields it needs (opentelemetry-proto's trace.proto).
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    readonly HttpListener _listener = new();
    readonly Task _loop;

    public OtlpCollector()
    {
        Port = HostProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<CollectedSpan> Spans { get; } = new();

    /// <summary>The settings that make a host export here, quickly.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
    };

    async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await AnswerAsync(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // A host killed mid-export, or the collector stopping under a request: that one request is lost, the
                // loop goes on (it ends once the listener has stopped), and disposal never fails for it.
            }
        }
    }

    async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        if (context.Request.Url?.AbsolutePath == "/v1/traces")
        {
            foreach (var span in ReadTraces(body.ToArray()))
            {
                Spans.Enqueue(span);
            }
        }

        // An empty Export*ServiceResponse: everything accepted.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.Close();
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    static IEnumerable<CollectedSpan> ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Proto.Messages(request, 1))
        {
            var service = "";
            foreach (var resource in Proto.Messages(resourceSpans, 1))
            {
                service = Attributes(resource, 1).GetValueOrDefault("service.name", "");
            }

            foreach (var scopeSpans in Proto.Messages(resourceSpans, 2))
            {
                var scope = Proto.Messages(scopeSpans, 1).Select(s => Proto.String(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Proto.Messages(scopeSpans, 2))
                {
                    yield return new CollectedSpan(service, scope,
                        Proto.Hex(span, 1), Proto.Hex(span, 2), Proto.Hex(span, 4), Proto.String(span, 5),
                        (int)Proto.Varints(span, 6).FirstOrDefault(), Attributes(span, 9));
                }
            }
        }
    }

    // KeyValue { string key = 1; AnyValue value = 2; }, AnyValue { string_value = 1; bool_value = 2; int_value = 3; … }
    static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Proto.Messages(message, field))
        {
            var value = Proto.Messages(pair, 2).FirstOrDefault();
            var text = Proto.Has(value, 1) ? Proto.String(value, 1)
                : Proto.Varints(value, 3).Select(v => ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault()
                ?? Proto.Varints(value, 2).Select(v => v != 0 ? "true" : "false").FirstOrDefault() ?? "";
            attributes[Proto.String(pair, 1)] = text;
        }

        return attributes;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    /// <summary>Protobuf's wire format, read-only and just enough: varints and length-delimited fields.</summary>
    static class Proto
    {
        public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
            Fields(message).Where(f => f.Field == field && f.WireType == 2).Select(f => f.Bytes);

        public static IEnumerable<ulong> Varints(ReadOnlyMemory<byte> message, int field) =>
            Fields(message).Where(f => f.Field == field && f.WireType == 0).Select(f => f.Number);

        public static bool Has(ReadOnlyMemory<byte> message, int field) => Fields(message).Any(f => f.Field == field);

        public static string String(ReadOnlyMemory<byte> message, int field) =>
            Messages(message, field).Select(b => Encoding.UTF8.GetString(b.Span)).FirstOrDefault() ?? "";

        public static string Hex(ReadOnlyMemory<byte> message, int field) =>
            Messages(message, field).Select(b => Convert.ToHexStringLower(b.Span)).FirstOrDefault() ?? "";

        static List<(int Field, int WireType, ulong Number, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
        {
            var fields = new List<(int, int, ulong, ReadOnlyMemory<byte>)>();
            var span = message.Span;
            var at = 0;
            while (at < span.Length)
            {
                var key = Varint(span, ref at);
                var wireType = (int)(key & 7);
                var field = (int)(key >> 3);
                switch (wireType)
                {
                    case 0:
                        fields.Add((field, 0, Varint(span, ref at), default));
                        break;
                    case 1:
                        at += 8;
                        break;
                    case 2:
                        var length = (int)Varint(span, ref at);
                        fields.Add((field, 2, 0, message.Slice(at, length)));
                        at += length;
                        break;
                    case 5:
                        at += 4;
                        break;
                    default:
                        throw new InvalidDataException($"protobuf wire type {wireType} at {at}");
                }
            }

            return fields;
        }

        static ulong Varint(ReadOnlySpan<byte> span, ref int at)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = span[at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
