using MetaAdsSync.Orchestrator.Planning;
using MetaAdsSync.Storage;
using Npgsql;

namespace MetaAdsSync.Orchestrator.Persistence;

/// <summary>The account's calendar from <c>ad_accounts.timezone</c> (Meta's <c>timezone_name</c>), read in the saga's transaction.</summary>
public sealed class PostgresAccountCalendar(SagaTransaction transaction, TimeProvider time, ILogger<PostgresAccountCalendar> logger) : IAccountCalendar
{
    public async Task<DateOnly> TodayAsync(string accountId, CancellationToken cancellationToken)
    {
        // A plain command on the saga's connection, as the planner's other reads: EF Core's SqlQuery compiled a query at
        // its first use, in the first sync after a start (the run's start waits for the plan).
        await using var command = transaction.Command("SELECT timezone FROM ad_accounts WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter("id", accountId));
        var timezone = await command.ExecuteScalarAsync(cancellationToken) as string;
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
