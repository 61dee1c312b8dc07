using MetaAdsSync.GraphApi;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>
/// The page sizes Meta accepted after asking for less data, kept in <c>page_limits</c> so that every fetcher and the
/// Gateway learn them once: a fetcher that never read an account's ads before starts at the limit another one found,
/// instead of spending a refused call (half a second on Meta) on the configured maximum. PostgreSQL is asked once per
/// (account, edge) per process; what was learned more than <see cref="Forget"/> ago is tried afresh, since data shrinks.
/// </summary>
public sealed class SharedPageSizeMemory(NpgsqlDataSource database, TimeProvider time) : IPageSizeMemory
{
    public static readonly TimeSpan Forget = TimeSpan.FromDays(7);

    readonly PageSizeMemory _known = new();
    readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), bool> _asked = new();

    public async ValueTask<int> GetAsync(string account, string edge, int configuredMaximum, CancellationToken cancellationToken)
    {
        if (_asked.TryAdd((account, edge), true))
        {
            await using var command = database.CreateCommand(
                "SELECT page_limit FROM page_limits WHERE account_id = @account AND edge = @edge AND learned_at > @since");
            command.Parameters.AddWithValue("account", account);
            command.Parameters.AddWithValue("edge", edge);
            command.Parameters.AddWithValue("since", time.GetUtcNow() - Forget);
            if (await command.ExecuteScalarAsync(cancellationToken) is int stored)
            {
                _known.Learn(account, edge, stored);
            }
        }

        return await _known.GetAsync(account, edge, configuredMaximum, cancellationToken);
    }

    public async ValueTask RememberAsync(string account, string edge, int workingLimit, CancellationToken cancellationToken)
    {
        _known.Learn(account, edge, workingLimit);
        await using var command = database.CreateCommand("""
            INSERT INTO page_limits (account_id, edge, page_limit, learned_at) VALUES (@account, @edge, @limit, @now)
            ON CONFLICT (account_id, edge) DO UPDATE SET
                page_limit = CASE WHEN page_limits.learned_at > @since THEN LEAST(page_limits.page_limit, excluded.page_limit) ELSE excluded.page_limit END,
                learned_at = excluded.learned_at
            """);
        var now = time.GetUtcNow();
        command.Parameters.AddWithValue("account", account);
        command.Parameters.AddWithValue("edge", edge);
        command.Parameters.AddWithValue("limit", workingLimit);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("since", now - Forget);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public static class SharedPageSizeMemoryRegistration
{
    /// <summary>Shares learned page sizes through PostgreSQL; call before <see cref="GraphApiRegistration.AddMetaGraphApi"/>.</summary>
    public static IServiceCollection AddSharedPageSizeMemory(this IServiceCollection services) =>
        services.AddSingleton<IPageSizeMemory, SharedPageSizeMemory>();
}
