using MetaAdsSync.GraphSimulator.Admin;

namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// A simulator started by <see cref="SimulatorApp.StartAsync"/>: where it listens, the token to use, and in-process
/// access to what <c>/_sim/</c> offers over HTTP.
/// </summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly SimulatorState _state;

    internal RunningSimulator(WebApplication app, SimulatorState state, Uri baseUrl)
    {
        _app = app;
        _state = state;
        BaseUrl = baseUrl;
    }

    /// <summary>E.g. <c>http://127.0.0.1:41234/</c>; Graph paths go below it with a version: <c>v25.0/me/adaccounts</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The first of <see cref="SimulatorOptions.AccessTokens"/>.</summary>
    public string AccessToken => _state.Options.AccessTokens[0];

    /// <summary>A copy of the options in force.</summary>
    public SimulatorOptions Options => _state.Options.Clone();

    /// <summary>Every account's id (<c>act_…</c>), in the order <c>me/adaccounts</c> lists them.</summary>
    public IReadOnlyList<string> AccountIds => _state.Data.Accounts.Select(a => a.Id).ToList();

    public SimulatorStats GetStats() => _state.Stats.Snapshot();

    /// <summary>Clears the counters, the rate-limit usage and blocks, and the fault plan's memory; keeps the options.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Changes latency, faults, budgets… at run time; throws when the result is invalid or would change the data set.</summary>
    public SimulatorOptions Configure(Action<SimulatorOptions> change) => _state.Configure(change);

    /// <summary>What a faithful sync of the account must find; null for an unknown account.</summary>
    public AccountTruth? GetTruth(string accountId) => Truth.For(_state, accountId);

    public IReadOnlyList<AccountSummary> GetAccounts() => Truth.Summaries(_state);

    /// <summary>Refuses every call for the account, as if it were over budget, for <paramref name="duration"/>.</summary>
    public void BlockAccount(string accountId, TimeSpan duration)
    {
        var account = _state.Data.Account(accountId) ?? throw new ArgumentException($"unknown account {accountId}", nameof(accountId));
        _state.Limiter.Block(account.Id, duration, _state.Options.Clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
