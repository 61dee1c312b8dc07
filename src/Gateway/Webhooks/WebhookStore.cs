using MetaAdsSync.Gateway.Auth;
using Npgsql;

namespace MetaAdsSync.Gateway.Webhooks;

/// <summary>A webhook as the API shows it: never its secret.</summary>
public sealed record WebhookView(Guid Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? Accounts, string? OwnerKey, DateTimeOffset CreatedAt);

public sealed record DeliveryView(
    Guid Id, string Event, string EventKey, string AccountId, string Status, int Attempts, DateTimeOffset NextAttemptAt,
    int? LastStatusCode, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

/// <summary>
/// The webhooks table seen by a caller: a key of all accounts (or the anonymous API) sees every webhook, a scoped key
/// only those it registered; another's answers as one that does not exist.
/// </summary>
public sealed class WebhookStore(NpgsqlDataSource database, TimeProvider time)
{
    const string Visible = "(@all OR owner_key = @owner)";

    public async Task<WebhookView> AddAsync(ApiCaller caller, string url, string secret, IReadOnlyList<string> events, CancellationToken cancellationToken)
    {
        var view = new WebhookView(Guid.CreateVersion7(), url, events, caller.Scope, caller.KeyId, time.GetUtcNow());
        await using var command = database.CreateCommand("""
            INSERT INTO webhooks (id, owner_key, accounts, url, secret, events, created_at)
            VALUES (@id, @owner, @accounts, @url, @secret, @events, @created)
            """);
        command.Parameters.AddWithValue("id", view.Id);
        command.Parameters.AddWithValue("owner", (object?)caller.KeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("accounts", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, (object?)caller.Scope ?? DBNull.Value);
        command.Parameters.AddWithValue("url", url);
        command.Parameters.AddWithValue("secret", secret);
        command.Parameters.AddWithValue("events", events.ToArray());
        command.Parameters.AddWithValue("created", view.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return view;
    }

    public async Task<List<WebhookView>> ListAsync(ApiCaller caller, Guid? id, CancellationToken cancellationToken)
    {
        await using var command = Scoped(caller, $"""
            SELECT id, url, events, accounts, owner_key, created_at FROM webhooks
             WHERE {Visible} AND (@id::uuid IS NULL OR id = @id) ORDER BY created_at
            """);
        command.Parameters.AddWithValue("id", (object?)id ?? DBNull.Value);
        var hooks = new List<WebhookView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hooks.Add(new WebhookView(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return hooks;
    }

    /// <summary>Deletes the webhook and what it was still owed; false when the caller sees no such webhook.</summary>
    public async Task<bool> DeleteAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var command = Scoped(caller, $"DELETE FROM webhooks WHERE id = @id AND {Visible}");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The webhook's deliveries, newest first; null when the caller sees no such webhook.</summary>
    public async Task<List<DeliveryView>?> DeliveriesAsync(ApiCaller caller, Guid id, int limit, CancellationToken cancellationToken)
    {
        if ((await ListAsync(caller, id, cancellationToken)).Count == 0)
        {
            return null;
        }

        await using var command = database.CreateCommand("""
            SELECT id, event, event_key, account_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at
              FROM webhook_deliveries WHERE webhook_id = @id ORDER BY created_at DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("limit", limit);
        var deliveries = new List<DeliveryView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            deliveries.Add(new DeliveryView(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return deliveries;
    }

    NpgsqlCommand Scoped(ApiCaller caller, string sql)
    {
        var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("all", caller.Accounts is null);
        command.Parameters.AddWithValue("owner", (object?)caller.KeyId ?? DBNull.Value);
        return command;
    }
}
