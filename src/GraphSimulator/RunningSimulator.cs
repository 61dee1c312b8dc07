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

    /// <summary>Clears the counters, the rate-limit usage and blocks, and the fault plan's memory; keeps the options and the data's changes.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Changes latency, faults, budgets… at run time; throws when the result is invalid or would change the data set.</summary>
    public SimulatorOptions Configure(Action<SimulatorOptions> change) => _state.Configure(change);

    /// <summary>What a faithful sync of the account must find; null for an unknown account.</summary>
    public AccountTruth? GetTruth(string accountId) => Truth.For(_state, accountId);

    public IReadOnlyList<AccountSummary> GetAccounts() => Truth.Summaries(_state);

    /// <summary>Every level's daily rows (<c>time_increment=1</c>) from <paramref name="since"/> to <paramref name="until"/>; null for an unknown account.</summary>
    public DailyTruth? GetDailyTruth(string accountId, DateOnly since, DateOnly until) => Truth.Daily(_state, accountId, since, until);

    /// <summary>
    /// Changes a campaign, ad set or ad as <c>POST /_sim/objects/{id}</c> does. Throws <see cref="ArgumentException"/>
    /// for bad input, <see cref="KeyNotFoundException"/> for an unknown id, <see cref="InvalidOperationException"/> for
    /// a change Meta refuses.
    /// </summary>
    public EntityTruth Change(string id, ObjectChange change) => _state.Changes.Change(id, change);

    public EntityTruth Pause(string id) => Change(id, new ObjectChange(Status: "PAUSED"));

    public EntityTruth Resume(string id) => Change(id, new ObjectChange(Status: "ACTIVE"));

    public EntityTruth Archive(string id) => Change(id, new ObjectChange(Status: "ARCHIVED"));

    /// <summary>Meta's delete: DELETED, gone from the edges, still readable by id.</summary>
    public EntityTruth Delete(string id) => Change(id, new ObjectChange(Status: "DELETED"));

    public EntityTruth Rename(string id, string name) => Change(id, new ObjectChange(Name: name));

    /// <summary>Moves an ad to another ad set of its account (and so maybe to another campaign).</summary>
    public EntityTruth Move(string adId, string adSetId) => Change(adId, new ObjectChange(AdSetId: adSetId));

    /// <summary>Forgets an object and everything under it: its ids then do not exist at all.</summary>
    public void Purge(string id) => _state.Changes.Purge(id);

    public EntityTruth CreateCampaign(string accountId, NewObject? spec = null) => _state.Changes.CreateCampaign(accountId, spec ?? new NewObject());

    public EntityTruth CreateAdSet(string campaignId, NewObject? spec = null) => _state.Changes.CreateChild(campaignId, Data.Level.AdSet, spec ?? new NewObject());

    public EntityTruth CreateAd(string adSetId, NewObject? spec = null) => _state.Changes.CreateChild(adSetId, Data.Level.Ad, spec ?? new NewObject());

    /// <summary>The token loses the account: unlisted by <c>me/adaccounts</c>, and every call naming it answers 100/33.</summary>
    public AccountSummary RevokeAccess(string accountId) => _state.Changes.ChangeAccount(accountId, new AccountChange(Accessible: false));

    public AccountSummary RestoreAccess(string accountId) => _state.Changes.ChangeAccount(accountId, new AccountChange(Accessible: true));

    public AccountSummary SetAccountStatus(string accountId, int accountStatus) =>
        _state.Changes.ChangeAccount(accountId, new AccountChange(AccountStatus: accountStatus));

    /// <summary>Meta restating the days from <paramref name="since"/> to <paramref name="until"/> of an object (or an <c>act_…</c> account) and everything under it.</summary>
    public Restated Restate(string id, DateOnly since, DateOnly until, double factor) =>
        _state.Changes.Restate(id, new Restatement(since, until, factor));

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
