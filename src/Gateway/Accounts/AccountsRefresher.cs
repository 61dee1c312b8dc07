using MassTransit;
using MetaAdsSync.Contracts;
using MetaAdsSync.Fetching;
using MetaAdsSync.Storage.Upserts;
using MetaAdsSync.GraphApi;
using Npgsql;

namespace MetaAdsSync.Gateway.Accounts;

/// <summary>
/// Refreshes <c>ad_accounts</c> from Meta's accounts list (one Graph call). Requests that arrive while a refresh is
/// under way share it instead of each making a call: twelve requests at once cost one call, not twelve. The list is
/// also who the token can read: a known account it leaves out is marked not accessible, one it names again is
/// accessible again, and each change is announced once (<see cref="AccountAccessLost"/>, <see cref="AccountAccessRestored"/>).
/// </summary>
public sealed class AccountsRefresher(
    IMetaGraphClient graph, NpgsqlDataSource database, IBus bus, TimeProvider time, ILogger<AccountsRefresher> logger)
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
            var now = time.GetUtcNow();
            await using var connection = await database.OpenConnectionAsync();
            await StorageRows.UpsertAccountsAsync(connection, result.Accounts, now, CancellationToken.None);
            var (lost, restored) = await AccountAccess.ApplyListAsync(connection, result.Accounts.Select(a => a.Id).ToList(), now, CancellationToken.None);
            foreach (var id in lost)
            {
                logger.LogWarning("{Account}: no longer in the token's accounts list; marked not accessible", id);
                await bus.Publish(new AccountAccessLost(id, now, AccountAccess.Unlisted));
            }

            foreach (var id in restored)
            {
                logger.LogInformation("{Account}: in the token's accounts list again; accessible", id);
                await bus.Publish(new AccountAccessRestored(id, now));
            }

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
