using MetaAdsSync.Contracts;
using MetaAdsSync.GraphApi;
using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Orchestrator.Saga;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>
/// The account's last known shape, read in the saga's transaction at the start of a run: one round trip of five
/// result sets (live campaigns with their live children counted, learned page sizes, level marks with whether a later
/// run wrote rows of the level, the account's gate rows, its daily insight rows per level and campaign).
/// </summary>
public sealed class PostgresAccountShapes(
    SagaTransaction transaction, IOptions<RateGateOptions> gate, IOptions<SagaOptions> sync, TimeProvider time) : IAccountShapes
{
    // The children are counted once each (MATERIALIZED), whatever the plan: the statement is prepared, and a generic plan
    // made while the tables had no statistics yet (autovacuum had not analyzed them: a young database, or one that grew
    // fast) joined the campaigns, estimated at one row, to the ad sets' count in a nested loop, counting every ad set of
    // the account again for each campaign (75 campaigns: 12,590 heap fetches in one read). In the CPU-bound scale bench that
    // plan cost the Orchestrator's backends 7.4 s of PostgreSQL CPU in a run against 3.0 s.
    // Whether a later run wrote rows of a level is the account's newest run_started_at (its rows, by the account's index),
    // not an EXISTS: that one expected an early match and scanned every account's campaigns and ad sets when there was
    // none, the usual answer (the latency-bound scale bench, 40 accounts: 21.6 ms a read against 1.4 ms).
    const string Shape = """
        WITH s AS MATERIALIZED (
            SELECT campaign_id, count(*) AS n, count(*) FILTER (WHERE effective_status = ANY(@eligible)) AS eligible
              FROM ad_sets WHERE account_id = @account AND removed_at IS NULL GROUP BY campaign_id),
        a AS MATERIALIZED (
            SELECT campaign_id, count(*) AS n, count(*) FILTER (WHERE effective_status = ANY(@eligible)) AS eligible
              FROM ads WHERE account_id = @account AND removed_at IS NULL GROUP BY campaign_id)
        SELECT c.id, coalesce(c.effective_status = ANY(@eligible), false),
               coalesce(s.n, 0)::int, coalesce(s.eligible, 0)::int, coalesce(a.n, 0)::int, coalesce(a.eligible, 0)::int
          FROM campaigns c
          LEFT JOIN s ON s.campaign_id = c.id
          LEFT JOIN a ON a.campaign_id = c.id
         WHERE c.account_id = @account AND c.removed_at IS NULL
         ORDER BY c.id;
        SELECT edge, page_limit FROM page_limits WHERE account_id = @account AND learned_at > @learned_since;
        SELECT m.level, m.last_full_sync_at, m.last_read_run_started_at,
               CASE m.level
                 WHEN 'campaign' THEN (SELECT max(c.run_started_at) FROM campaigns c WHERE c.account_id = @account) > m.last_read_run_started_at
                 WHEN 'adset' THEN (SELECT max(s.run_started_at) FROM ad_sets s WHERE s.account_id = @account) > m.last_read_run_started_at
                 ELSE false END
          FROM entity_sync_marks m WHERE m.account_id = @account;
        SELECT use_case, floor(allowed_concurrency)::int, usage_percent, key = @account AS is_window,
               (SELECT coalesce(sum(v.value::int), 0) FROM jsonb_each_text(slices) v
                 WHERE v.key::bigint > floor(extract(epoch from now()) / @slice_seconds)::bigint - @counted_slices)::int
          FROM rate_gate WHERE key IN (@account, @account || '/ads_management', @account || '/ads_insights');
        SELECT d.level, coalesce(a.campaign_id, s.campaign_id, d.entity_id), count(*)::int
          FROM daily_insights d
          LEFT JOIN ads a ON d.level = 'ad' AND a.id = d.entity_id
          LEFT JOIN ad_sets s ON d.level = 'adset' AND s.id = d.entity_id
         WHERE d.account_id = @account AND d.date >= current_date - @daily_days
         GROUP BY 1, 2;
        """;

    /// <summary>Learned page sizes are forgotten after this long, as the fetchers forget them.</summary>
    static readonly TimeSpan PageLimitsForgotten = TimeSpan.FromDays(7);

    public async Task<AccountShape> ReadAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var command = transaction.Command(Shape);
        command.Parameters.AddWithValue("account", accountId);
        command.Parameters.AddWithValue("eligible", InsightEligibility.Statuses.ToArray());
        command.Parameters.AddWithValue("learned_since", time.GetUtcNow() - PageLimitsForgotten);
        // The gate's own count of the budget window (RateGateStatements): slices of BudgetWindow / BudgetSlices.
        command.Parameters.AddWithValue("slice_seconds", gate.Value.BudgetWindow.TotalSeconds / RateGateOptions.BudgetSlices);
        command.Parameters.AddWithValue("counted_slices", RateGateOptions.BudgetSlices + RateGateOptions.SlicesBeyondWindow);
        command.Parameters.AddWithValue("daily_days", sync.Value.DailyInsightDays);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var campaigns = new List<CampaignShape>();
        while (await reader.ReadAsync(cancellationToken))
        {
            campaigns.Add(new CampaignShape(reader.GetString(0), reader.GetBoolean(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5)));
        }

        await reader.NextResultAsync(cancellationToken);
        var pageLimits = new Dictionary<string, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pageLimits[reader.GetString(0)] = reader.GetInt32(1);
        }

        await reader.NextResultAsync(cancellationToken);
        var levelsRead = new Dictionary<EntityLevel, DateTimeOffset>();
        var lastRead = new Dictionary<EntityLevel, DateTimeOffset>();
        var unsettled = new HashSet<EntityLevel>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (EntityLevels.Parse(reader.GetString(0)) is not { } level)
            {
                continue;
            }

            levelsRead[level] = reader.GetFieldValue<DateTimeOffset>(1);
            if (!reader.IsDBNull(2))
            {
                lastRead[level] = reader.GetFieldValue<DateTimeOffset>(2);
            }

            if (!reader.IsDBNull(3) && reader.GetBoolean(3))
            {
                unsettled.Add(level);
            }
        }

        await reader.NextResultAsync(cancellationToken);
        AccountRoom entities = AccountRoom.Unknown, insights = AccountRoom.Unknown;
        int? windowUsed = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(3))
            {
                windowUsed = reader.GetInt32(4);
                continue;
            }

            var room = new AccountRoom(reader.GetInt32(1), reader.GetDouble(2));
            if (reader.GetString(0) == "ads_insights")
            {
                insights = room;
            }
            else
            {
                entities = room;
            }
        }

        await reader.NextResultAsync(cancellationToken);
        var dailyRows = new Dictionary<string, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            dailyRows[AccountShape.DailyKey(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        }

        return new AccountShape(campaigns, pageLimits, levelsRead, entities, insights, windowUsed, dailyRows, lastRead, unsettled);
    }
}
