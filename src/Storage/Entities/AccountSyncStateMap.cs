using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The saga state's mapping to <c>account_syncs</c> (the map of MassTransit's sample layout: state, machine, definition,
/// map). It lives beside the state in Storage, not beside the machine, because the migrations are built from this
/// project's model. The run's ledger and plan are jsonb documents serialized here, and only here.
/// </summary>
public sealed class AccountSyncStateMap : IEntityTypeConfiguration<AccountSyncState>
{
    static readonly JsonSerializerOptions Json = SagaDocumentsJson.Default.Options;

    public void Configure(EntityTypeBuilder<AccountSyncState> builder)
    {
        builder.ToTable("account_syncs");
        builder.HasKey(s => s.CorrelationId);
        builder.Property(s => s.CorrelationId).ValueGeneratedNever();
        builder.Property(s => s.Version).IsRowVersion();
        builder.Property(s => s.CurrentState).HasMaxLength(64);
        // The saga rewrites its row at every event, and the ledger (a few kB of JSON, tens of kB in a large run) is
        // compressed anew each time: lz4 compresses it at a fraction of pglz's CPU (PostgreSQL 14 or later).
        Document(builder.Property(s => s.Ledger)).HasDefaultValueSql("'{}'::jsonb").UseCompressionMethod("lz4");
        Document(builder.Property(s => s.Plan)).UseCompressionMethod("lz4");
        builder.Property(s => s.ErrorDetail).HasColumnType("jsonb");
        builder.HasIndex(s => s.AccountId).IsUnique();
        builder.HasIndex(s => s.RunId);
        // A key's running syncs are counted at every sync request it makes (Gateway:MaxRunningSyncsPerKey).
        builder.HasIndex(s => s.RequestedBy);
        // No index holds last_progress_at or current_state: the saga moves last_progress_at at nearly every event, and an
        // indexed column changed makes the update a new row in every index instead of a HOT update (the saga's update
        // replayed on a copy of the scale bench's database: 340-470 µs of PostgreSQL CPU before, 210-310 µs without this
        // index and with lz4 above). The watchdog, which asks for runs in flight that made no progress lately, reads the
        // state through sync_run_status (a CASE no index serves) and scans the table's one row per account.
    }

    /// <summary>A jsonb document (the ledger, the plan) as it is stored.</summary>
    public static string ToJson<T>(T document) where T : class => JsonSerializer.Serialize(document, Json);

    /// <summary>
    /// The same JSON as <see cref="ToJson{T}"/>, as UTF-8: what the saga's row update sends (a jsonb parameter of bytes),
    /// without the UTF-16 string the serializer would make of it and Npgsql would encode back to UTF-8 at every event.
    /// </summary>
    public static byte[] ToUtf8Json<T>(T document) where T : class => JsonSerializer.SerializeToUtf8Bytes(document, Json);

    /// <summary>A jsonb document as <see cref="ToJson{T}"/> wrote it.</summary>
    public static T FromJson<T>(string json) where T : class => JsonSerializer.Deserialize<T>(json, Json)!;

    /// <summary>A jsonb column of a mutable document: compared by its JSON, snapshotted by a round trip.</summary>
    static PropertyBuilder<T> Document<T>(PropertyBuilder<T> property) where T : class? =>
        property.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            v => JsonSerializer.Deserialize<T>(v, Json)!,
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json)!));
}
