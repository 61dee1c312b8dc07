using MetaAdsSync.Fetching;
using MetaAdsSync.GraphApi;
using Npgsql;

namespace MetaAdsSync.Gateway.Accounts;

/// <summary>
/// Refreshes <c>ad_accounts</c> from Meta's accounts list (one Graph call). Requests that arrive while a refresh is
/// under way share it instead of each making a call: twelve requests at once cost one call, not twelve.
/// </summary>
public sealed class AccountsRefresher(IMetaGraphClient graph, NpgsqlDataSource database, TimeProvider time, ILogger<AccountsRefresher> logger)
{
    readonly Lock _gate = new();
    Task<bool>? _inFlight;

    /// <summary>True when the list was refreshed; false when Meta could not be asked (the cached list stands).</summary>
    public Task<bool> RefreshAsync()
    {
        lock (_gate)
        {
            return _inFlight ??= RunAsync();
        }
    }

    async Task<bool> RunAsync()
    {
        await Task.Yield(); // so that _inFlight is set before the finally below can clear it
        try
        {
            var result = await graph.GetAdAccountsAsync(CancellationToken.None);
            await using var connection = await database.OpenConnectionAsync();
            await StorageRows.UpsertAccountsAsync(connection, result.Accounts, time.GetUtcNow(), CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Accounts refresh failed, going on with the cached list: {Error}", ex.Message);
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _inFlight = null;
            }
        }
    }
}
