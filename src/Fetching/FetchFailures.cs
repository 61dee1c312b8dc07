using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Storage.Upserts;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>
/// A fetcher's final failure, as both fetchers report it: its plain cause and, when the account's own edges said the
/// token cannot read it (a permission error, or "does not exist" on <c>act_…</c>), the account marked not accessible
/// and <see cref="AccountAccessLost"/> published, once, by whichever process changed the mark.
/// </summary>
public sealed class FetchFailures(NpgsqlDataSource database, TimeProvider time, ILogger<FetchFailures> logger)
{
    public async Task<FailureCause> RecordAsync(ConsumeContext context, string accountId, Exception exception)
    {
        var now = time.GetUtcNow();
        var cause = FailureCauses.Of(exception, now);
        if (!cause.MeansAccessLost)
        {
            return cause;
        }

        var reason = $"Meta refused this token on the account ({cause.Kind}): {cause.Message}";
        await using var connection = await database.OpenConnectionAsync(context.CancellationToken);
        foreach (var lost in await AccountAccess.MarkLostAsync(connection, [accountId], reason, now, context.CancellationToken))
        {
            logger.LogWarning("{Account}: the token can no longer read it: {Reason}", lost, reason);
            await context.Publish(new AccountAccessLost(lost, now, reason));
        }

        return cause;
    }
}
