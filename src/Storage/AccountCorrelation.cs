using System.Security.Cryptography;
using System.Text;

namespace MetaAdsSync.Storage;

/// <summary>
/// Name-based (RFC 4122 version 5) UUIDs: the same name always gives the same id, so an account has one saga
/// instance wherever the request comes from, and a redelivered page yields the same insight batch ids.
/// </summary>
public static class AccountCorrelation
{
    // A namespace of our own for these names (itself a random UUID, fixed forever).
    static readonly Guid Namespace = new("6f1b6c2e-2b8e-4c55-9a59-3f8e1f0c7d21");

    public static Guid For(string accountId) => NameBased("account:" + accountId);

    public static Guid Batch(Guid runId, string level, int sequence) => NameBased($"batch:{runId:N}:{level}:{sequence}");

    public static Guid NameBased(string name)
    {
        var input = Namespace.ToByteArray(bigEndian: true).Concat(Encoding.UTF8.GetBytes(name)).ToArray();
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 prescribes for version 5 ids; this is naming, not security.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
