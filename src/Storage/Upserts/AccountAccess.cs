using Npgsql;

namespace MetaAdsSync.Storage.Upserts;

/// <summary>
/// Whether the token can read an account (<c>ad_accounts.accessible</c>). Each change is one conditional UPDATE that
/// returns the accounts it changed, so of two processes noticing the same change only one announces it.
/// </summary>
public static class AccountAccess
{
    public const string Unlisted = "The token's accounts list (me/adaccounts) no longer includes this account.";

    /// <summary>Marks the named accounts not accessible; returns those that were accessible until now.</summary>
    public static Task<List<string>> MarkLostAsync(
        NpgsqlConnection connection, IReadOnlyCollection<string> accountIds, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        ChangedAsync(connection, """
            UPDATE ad_accounts SET accessible = false, access_changed_at = @at, access_lost_reason = @reason
             WHERE id = ANY(@ids) AND accessible
            RETURNING id
            """, accountIds, at, reason, cancellationToken);

    /// <summary>After a complete read of me/adaccounts: listed accounts become accessible, known ones it left out do not.</summary>
    public static async Task<(List<string> Lost, List<string> Restored)> ApplyListAsync(
        NpgsqlConnection connection, IReadOnlyCollection<string> listedIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var lost = await ChangedAsync(connection, """
            UPDATE ad_accounts SET accessible = false, access_changed_at = @at, access_lost_reason = @reason
             WHERE accessible AND refreshed_at IS NOT NULL AND NOT (id = ANY(@ids))
            RETURNING id
            """, listedIds, at, Unlisted, cancellationToken);
        var restored = await ChangedAsync(connection, """
            UPDATE ad_accounts SET accessible = true, access_changed_at = @at, access_lost_reason = NULL
             WHERE id = ANY(@ids) AND NOT accessible
            RETURNING id
            """, listedIds, at, null, cancellationToken);
        return (lost, restored);
    }

    static async Task<List<string>> ChangedAsync(
        NpgsqlConnection connection, string sql, IReadOnlyCollection<string> ids, DateTimeOffset at, string? reason, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        command.Parameters.AddWithValue("at", at);
        if (reason is not null)
        {
            command.Parameters.AddWithValue("reason", reason);
        }

        var changed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changed.Add(reader.GetString(0));
        }

        return changed;
    }
}
