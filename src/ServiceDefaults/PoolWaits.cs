using MassTransit;
using Npgsql;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// A statement that found its host's connection pool full for all of <c>Postgres:AcquireTimeout</c>. The database is
/// busy, not broken, and the message will go through once connections come free: consumers retry such a message for
/// as long as it takes, outside their own retry limit, so a full pool never fails or dead-letters a message.
/// </summary>
public static class PoolWaits
{
    /// <summary>The pause before a message whose pool stayed full is tried again (it has already waited the acquire timeout).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    public static bool IsPoolExhausted(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // Npgsql tells it only by its message: a client-side NpgsqlException (no server error) around a TimeoutException.
            // The test When_a_pool_is_exhausted holds this to what Npgsql throws.
            if (e is NpgsqlException { InnerException: TimeoutException } and not PostgresException
                && e.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Configure first on an endpoint, so it is the outermost retry: a message whose pool stayed full is handled again,
    /// without limit. The endpoint's own retry must ignore <see cref="IsPoolExhausted"/>, or it spends its attempts on it.
    /// </summary>
    public static void UseRetryWhilePoolExhausted(this IConsumePipeConfigurator endpoint) =>
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(IsPoolExhausted);
            r.Incremental(int.MaxValue, RetryInterval, TimeSpan.Zero);
        });
}
