using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>The account's calendar from <c>ad_accounts.timezone</c> (Meta's <c>timezone_name</c>), read in the saga's transaction.</summary>
public sealed class PostgresAccountCalendar(SagaTransaction transaction, TimeProvider time, ILogger<PostgresAccountCalendar> logger) : IAccountCalendar
{
    public async Task<DateOnly> TodayAsync(string accountId, CancellationToken cancellationToken)
    {
        // By key: one row or none (Single says so; First without an ORDER BY drew EF Core's warning on every run).
        var timezone = await transaction.Db.Database.SqlQuery<string?>($"""
            SELECT timezone AS "Value" FROM ad_accounts WHERE id = {accountId}
            """).SingleOrDefaultAsync(cancellationToken);
        var today = AccountCalendar.Today(timezone, time.GetUtcNow(), out var known);
        if (!known)
        {
            // Meta lists every account with its zone; an account only known from a request (or a zone this machine
            // lacks) is dated in UTC until the accounts list names its zone.
            logger.LogWarning("{Account} has no known time zone ({Timezone}): its daily window ends on today in UTC", accountId, timezone ?? "none");
        }

        return today;
    }
}
