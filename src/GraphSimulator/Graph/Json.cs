using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>How the simulator writes JSON: UTF-8 text as Meta sends it, times as <c>2026-08-12T17:08:55+0000</c>.</summary>
internal static class Json
{
    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes a body into a buffer rented from the shared pool: the caller disposes it once it has been sent.</summary>
    public static JsonBody Write(Action<Utf8JsonWriter> write, int sizeHint = 4096)
    {
        var body = new JsonBody(sizeHint);
        try
        {
            using (var writer = new Utf8JsonWriter(body, Writer))
            {
                write(writer);
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>A JSON array parameter, or Meta's code 100 with <paramref name="error"/>.</summary>
    public static JsonElement ParseArray(string text, string error)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                return document.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
        }

        throw GraphErrors.InvalidParameter(error);
    }

    /// <summary>Meta's time format: the account's offset, with no colon in it.</summary>
    public static string Time(DateTimeOffset time, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Metrics as Meta writes them: strings, no trailing zeros.</summary>
    public static string Number(double value, int decimals) =>
        Math.Round(value, decimals).ToString("0.#########", CultureInfo.InvariantCulture);

    public static void Error(Utf8JsonWriter writer, GraphError error, string traceId)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", error.Message);
        writer.WriteString("type", error.Type);
        writer.WriteNumber("code", error.Code);
        if (error.Subcode is { } subcode)
        {
            writer.WriteNumber("error_subcode", subcode);
        }

        writer.WriteBoolean("is_transient", error.IsTransient);
        if (error.UserTitle is not null)
        {
            writer.WriteString("error_user_title", error.UserTitle);
        }

        if (error.UserMessage is not null)
        {
            writer.WriteString("error_user_msg", error.UserMessage);
        }

        writer.WriteString("fbtrace_id", traceId);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>
/// An answer's JSON in a buffer rented from the shared pool, given back when disposed. A page of ads is ~300 kB: written
/// into a fresh array every call, each was a large-object allocation, zeroed page by page (page faults) and what kept
/// the simulator's background GC busy, in the bench's CPU-bound scale run (perf: a fifth of the simulator's samples).
/// </summary>
internal sealed class JsonBody : IBufferWriter<byte>, IDisposable
{
    byte[]? _buffer;
    int _written;

    public JsonBody(int sizeHint) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(sizeHint, 256));

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, _written);

    public int Length => _written;

    byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(JsonBody));

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    byte[] Ensure(int sizeHint)
    {
        var buffer = Buffer;
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= buffer.Length)
        {
            return buffer;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return _buffer = larger;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
