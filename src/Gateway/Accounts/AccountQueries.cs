using System.Text.RegularExpressions;
using MetaAdsSync.Contracts;
using Npgsql;

namespace MetaAdsSync.Gateway.Accounts;

public sealed record AccountView(
    string AccountId,
    string Name,
    string? Currency,
    string? Timezone,
    DateTimeOffset? LastSyncedAt,
    string? LastSyncStatus,
    string Staleness,
    Guid? Running,
    AccountCounts Counts,
    AccountAccessView Access,
    string? LastError,
    string? LastErrorKind,
    FailureCause? LastErrorDetail);

/// <summary>
/// Whether the token can read the account (<paramref name="Since"/>: when that last changed, <paramref name="Reason"/>:
/// why not) and Meta's own <c>account_status</c> in words; only an accessible, Active account is scheduled.
/// </summary>
public sealed record AccountAccessView(bool Accessible, DateTimeOffset? Since, string? Reason, int? AccountStatus, string AccountState);

public sealed record AccountCounts(long Campaigns, long AdSets, long Ads, long Eligible);

/// <summary>
/// One stored campaign, ad set or ad with its latest insights for the asked preset. <see cref="RemovedAt"/> is set when
/// a complete read no longer returned it (listed only with <c>?include=removed</c>); <see cref="RemovedReason"/> is
/// Meta's status for it by id, ARCHIVED or DELETED, null until known.
/// </summary>
public sealed record EntityView(
    string Id,
    string? Name,
    string? Status,
    string? EffectiveStatus,
    string? CampaignId,
    string? AdSetId,
    DateTimeOffset? UpdatedTime,
    InsightView? Insights,
    DateTimeOffset? RemovedAt,
    string? RemovedReason);

/// <summary>
/// An entity's aggregate for a date preset (<c>kind: "preset"</c>): Meta's own number for the preset's period, reach
/// included, of the ACTIVE / WITH_ISSUES entities; the daily rows are <c>kind: "daily"</c>.
/// </summary>
public sealed record InsightView(DateOnly DateStart, DateOnly DateStop, decimal? Spend, long? Impressions, long? Clicks, decimal? Ctr, long? Reach, string DatePreset)
{
    public string Kind => "preset";
}

public sealed record EntityPageView(IReadOnlyList<EntityView> Data, string? After);

public sealed partial class AccountQueries(NpgsqlDataSource database, TimeProvider time)
{
    public static bool IsAccountId(string value) => AccountIdPattern().IsMatch(value);

    /// <summary>A campaign, ad set or ad id as Meta writes it (digits only): an entity id, or the after cursor of a page.</summary>
    public static bool IsObjectId(string value) => ObjectIdPattern().IsMatch(value);

    public async Task<bool> ExistsAsync(string accountId, CancellationToken cancellationToken) => await AccessAsync(accountId, cancellationToken) is not null;

    /// <summary>The account's access as recorded; null for an account the accounts list never named.</summary>
    public async Task<AccountAccessView?> AccessAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT accessible, access_changed_at, access_lost_reason, account_status FROM ad_accounts WHERE id = @id AND refreshed_at IS NOT NULL");
        command.Parameters.AddWithValue("id", accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Access(reader, 0) : null;
    }

    static AccountAccessView Access(NpgsqlDataReader reader, int first)
    {
        int? status = reader.IsDBNull(first + 3) ? null : reader.GetInt32(first + 3);
        return new AccountAccessView(
            reader.GetBoolean(first),
            reader.IsDBNull(first + 1) ? null : reader.GetFieldValue<DateTimeOffset>(first + 1),
            NullableString(reader, first + 2),
            status,
            AccountStatusLabel.Of(status));
    }

    /// <summary>The accounts, all of them or, with a <paramref name="scope"/> (a scoped key's accounts), those.</summary>
    public async Task<List<AccountView>> ListAsync(string[]? scope, CancellationToken cancellationToken)
    {
        // Live objects only: what Meta no longer returns is not counted.
        const string eligible = "removed_at IS NULL AND effective_status = ANY(@eligible)";
        await using var command = database.CreateCommand($"""
            SELECT a.id, a.name, a.currency, a.timezone, a.last_synced_at, a.last_sync_status,
                   (SELECT r.run_id FROM sync_run_status r WHERE r.account_id = a.id AND r.status = @running),
                   (SELECT count(*) FROM campaigns c WHERE c.account_id = a.id AND c.removed_at IS NULL),
                   (SELECT count(*) FROM ad_sets x WHERE x.account_id = a.id AND x.removed_at IS NULL),
                   (SELECT count(*) FROM ads x WHERE x.account_id = a.id AND x.removed_at IS NULL),
                   (SELECT count(*) FROM campaigns x WHERE x.account_id = a.id AND {eligible})
                 + (SELECT count(*) FROM ad_sets x WHERE x.account_id = a.id AND {eligible})
                 + (SELECT count(*) FROM ads x WHERE x.account_id = a.id AND {eligible}),
                   a.accessible, a.access_changed_at, a.access_lost_reason, a.account_status,
                   a.last_error, a.last_error_kind, a.last_error_detail::text
              FROM ad_accounts a
             WHERE a.refreshed_at IS NOT NULL AND (@scope::text[] IS NULL OR a.id = ANY(@scope::text[]))
             ORDER BY a.name, a.id
            """);
        command.Parameters.AddWithValue("running", RunStatus.Running);
        command.Parameters.AddWithValue("eligible", InsightEligibility.Statuses);
        command.Parameters.AddWithValue("scope", (object?)scope ?? DBNull.Value);
        var now = time.GetUtcNow();
        var accounts = new List<AccountView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTimeOffset? synced = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
            accounts.Add(new AccountView(
                reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                synced,
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Staleness.Label(synced, now),
                reader.IsDBNull(6) ? null : reader.GetGuid(6),
                new AccountCounts(reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10)),
                Access(reader, 11),
                NullableString(reader, 15), NullableString(reader, 16), FailureCause.FromJson(NullableString(reader, 17))));
        }

        return accounts;
    }

    /// <summary>A page of the account's live entities of a level, and with <paramref name="includeRemoved"/> its removed ones too.</summary>
    public async Task<EntityPageView> EntitiesAsync(
        string accountId, EntityLevel level, string datePreset, string? status, bool includeRemoved, int limit, string? after, CancellationToken cancellationToken)
    {
        var (table, parents) = level switch
        {
            EntityLevel.Campaign => ("campaigns", "NULL::text, NULL::text"),
            EntityLevel.AdSet => ("ad_sets", "e.campaign_id, NULL::text"),
            _ => ("ads", "e.campaign_id, e.ad_set_id"),
        };
        await using var command = database.CreateCommand($"""
            SELECT e.id, e.name, e.status, e.effective_status, {parents}, e.updated_time,
                   i.date_start, i.date_stop, i.spend, i.impressions, i.clicks, i.ctr, i.reach, e.removed_at, e.removed_reason
              FROM {table} e
              LEFT JOIN LATERAL (
                   SELECT * FROM insights i
                    WHERE i.level = @level AND i.entity_id = e.id AND i.date_preset = @preset
                    ORDER BY i.date_stop DESC, i.date_start DESC
                    LIMIT 1) i ON true
             WHERE e.account_id = @account
               AND (@include_removed OR e.removed_at IS NULL)
               AND (@status::text IS NULL OR e.effective_status = @status)
               AND (@after::text IS NULL OR e.id > @after)
             ORDER BY e.id
             LIMIT @take
            """);
        command.Parameters.AddWithValue("level", EntityLevels.Name(level));
        command.Parameters.AddWithValue("preset", datePreset);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("include_removed", includeRemoved);
        command.Parameters.AddWithValue("after", (object?)after ?? DBNull.Value);
        command.Parameters.AddWithValue("take", limit + 1);

        var rows = new List<EntityView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new EntityView(
                reader.GetString(0),
                NullableString(reader, 1), NullableString(reader, 2), NullableString(reader, 3), NullableString(reader, 4), NullableString(reader, 5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : new InsightView(
                    reader.GetFieldValue<DateOnly>(7), reader.GetFieldValue<DateOnly>(8),
                    reader.IsDBNull(9) ? null : reader.GetDecimal(9),
                    reader.IsDBNull(10) ? null : reader.GetInt64(10),
                    reader.IsDBNull(11) ? null : reader.GetInt64(11),
                    reader.IsDBNull(12) ? null : reader.GetDecimal(12),
                    reader.IsDBNull(13) ? null : reader.GetInt64(13),
                    datePreset),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
                NullableString(reader, 15)));
        }

        var more = rows.Count > limit;
        var page = more ? rows[..limit] : rows;
        return new EntityPageView(page, more ? page[^1].Id : null);
    }

    static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    [GeneratedRegex("^act_[0-9]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^[0-9]{1,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectIdPattern();
}
