using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace MetaAdsSync.Storage;

/// <summary>
/// Opens a few pooled PostgreSQL connections before the host takes messages, so the first sync after a start does
/// not pay each connection's handshake and authentication on its critical path (a run's first page, its first rate-gate
/// statement and its first upsert all want one at once); and sends and reads back, in one <c>SELECT</c>, a value of each
/// type the hot statements bind or read (scalars and the upserts' arrays), because Npgsql resolves and compiles each
/// type's converters at its first use (hundreds of methods JIT-compiled per host in the first sync otherwise). Reads
/// and writes nothing of the database. Never stops the host: a database that is not up yet is the readiness check's business.
/// </summary>
public sealed class StorageWarmUp(NpgsqlDataSource database, ILogger<StorageWarmUp> logger) : IHostedService
{
    /// <summary>About what one sync's first second asks for at once in one process.</summary>
    public const int Connections = 4;

    // Text, timestamptz, bigint, numeric, uuid, date, integer (NpgsqlDbType, as the upserts' arrays bind them), and the
    // CLR types the other statements bind by inference (AddWithValue) or read.
    static readonly WarmValue[] Values =
    [
        Of(NpgsqlDbType.Text, "a"), Of(NpgsqlDbType.TimestampTz, DateTimeOffset.UnixEpoch), Of(NpgsqlDbType.Bigint, 1L),
        Of(NpgsqlDbType.Numeric, 1m), Of(NpgsqlDbType.Uuid, Guid.Empty), Of(NpgsqlDbType.Date, DateOnly.MinValue), Of(NpgsqlDbType.Integer, 1),
        Of(NpgsqlDbType.Double, 1d), Of(NpgsqlDbType.Boolean, true), Of(NpgsqlDbType.Interval, TimeSpan.Zero),
    ];

    /// <summary>A value to send alone and as a one-element array, and how to read both back as the statements read them.</summary>
    sealed record WarmValue(NpgsqlDbType Type, object Value, Array Values, Action<NpgsqlDataReader, int> Read);

    static WarmValue Of<T>(NpgsqlDbType type, T value) where T : notnull =>
        new(type, value, new[] { value }, (reader, i) =>
        {
            _ = reader.GetFieldValue<T>(i);
            _ = reader.GetFieldValue<T[]>(i + 1);
        });

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async i =>
            {
                await using var connection = await database.OpenConnectionAsync(cancellationToken);
                if (i == 0)
                {
                    await RoundTripTypesAsync(connection, cancellationToken);
                    return;
                }

                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
            }));
            logger.LogInformation("PostgreSQL warmed: {Connections} connections opened, {Types} types sent and read back", Connections, Values.Length * 2);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidCastException)
        {
            logger.LogInformation("PostgreSQL connections not warmed at start: {Error}", ex.Message);
        }
    }

    // Each value alone and as a one-element array, both ways: the converters a statement binding or reading it would resolve.
    static async Task RoundTripTypesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        foreach (var value in Values)
        {
            command.Parameters.Add(new NpgsqlParameter($"p{command.Parameters.Count}", value.Type) { Value = value.Value });
            command.Parameters.Add(new NpgsqlParameter($"p{command.Parameters.Count}", NpgsqlDbType.Array | value.Type) { Value = value.Values });
        }

        command.CommandText = "SELECT " + string.Join(", ", command.Parameters.Select(p => "@" + p.ParameterName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        for (var i = 0; i < Values.Length; i++)
        {
            Values[i].Read(reader, 2 * i);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
