using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MetaAdsSync.GraphSimulator.Graph;

/// <summary>
/// Opaque cursors the simulator can verify: a position, the query it belongs to (account, edge, filters,
/// level, preset — not the limit, so a client may shrink its page and keep its place) and an HMAC keyed by
/// the seed. A forged cursor, or one from another query or another data set, fails the check.
/// </summary>
internal sealed class Cursors(int seed)
{
    const byte Format = 1;
    // 24 bytes in all: a whole number of base64 groups, so every character of the cursor is checked.
    const int MacLength = 11;
    readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes($"metaadssync-simulator-cursor:{seed}"));

    /// <summary>The query's part of a cursor, hashed once per page: a partition's filter can be kilobytes long.</summary>
    public static ulong Scope(string scope)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(scope), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    public string Create(int position, ulong scope)
    {
        Span<byte> data = stackalloc byte[1 + 4 + 8 + MacLength];
        data[0] = Format;
        BinaryPrimitives.WriteInt32BigEndian(data[1..], position);
        BinaryPrimitives.WriteUInt64BigEndian(data[5..], scope);
        Sign(data[..13], data[13..]);
        return Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The position in <paramref name="scope"/>, or a Meta error naming the parameter.</summary>
    public int Read(string cursor, ulong scope, string parameter)
    {
        var data = Decode(cursor);
        Span<byte> mac = stackalloc byte[MacLength];
        if (data is not { Length: 1 + 4 + 8 + MacLength } || data[0] != Format)
        {
            throw GraphErrors.InvalidCursor(parameter);
        }

        Sign(data.AsSpan(0, 13), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, data.AsSpan(13))
            || BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(5)) != scope)
        {
            throw GraphErrors.InvalidCursor(parameter);
        }

        var position = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(1));
        return position < 0 ? throw GraphErrors.InvalidCursor(parameter) : position;
    }

    void Sign(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, data, full);
        full[..MacLength].CopyTo(mac);
    }

    static byte[]? Decode(string cursor)
    {
        var text = cursor.Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
