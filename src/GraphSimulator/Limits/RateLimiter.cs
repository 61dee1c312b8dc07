using System.Collections.Concurrent;
using System.Globalization;

namespace MetaAdsSync.GraphSimulator.Limits;

/// <summary>
/// Per-app and per-ad-account call budgets over a sliding window. A call over budget is refused and starts a
/// block; every call during the block is refused too without using budget. A call is "while blocked" only once an
/// answer has told a client of the block and <see cref="SimulatorOptions.ThrottleNoticeMs"/> has passed since: the calls
/// that meet a block before a client could have heard of it (the one over budget, those on their way beside it, the
/// first ones after an injected block) are how it learns of it, so they count as throttled only.
/// </summary>
internal sealed class RateLimiter
{
    readonly Meter _app = new();
    readonly ConcurrentDictionary<string, Meter> _accounts = new(StringComparer.Ordinal);

    sealed class Meter
    {
        public readonly UsageWindow Window = new();
        public DateTimeOffset BlockedUntil;
        /// <summary>When the first answer telling of the current block went out; null until one has.</summary>
        public DateTimeOffset? AnnouncedAt;
    }

    /// <summary>What admission decided: null when the call may go on, else why it is refused.</summary>
    public enum Refusal
    {
        None,
        AppThrottled,
        /// <summary>Over budget, or blocked while no answer has told of the block yet.</summary>
        AccountThrottled,
        /// <summary>Blocked, and a client has been told so.</summary>
        AccountBlocked,
    }

    public Refusal Admit(string? accountId, SimulatorOptions options)
    {
        var now = options.Clock.GetUtcNow();
        var window = TimeSpan.FromSeconds(options.BudgetWindowSeconds);
        if (!TryUse(_app, now, window, options.AppCallBudget, options.BlockSeconds, TimeSpan.Zero, out _))
        {
            return Refusal.AppThrottled;
        }

        if (accountId is null)
        {
            return Refusal.None;
        }

        var meter = _accounts.GetOrAdd(accountId, _ => new Meter());
        var notice = TimeSpan.FromMilliseconds(options.ThrottleNoticeMs);
        return TryUse(meter, now, window, options.CallBudget, options.BlockSeconds, notice, out var wasBlocked) ? Refusal.None
            : wasBlocked ? Refusal.AccountBlocked
            : Refusal.AccountThrottled;
    }

    static bool TryUse(Meter meter, DateTimeOffset now, TimeSpan window, int budget, int blockSeconds, TimeSpan notice, out bool wasBlocked)
    {
        lock (meter)
        {
            if (now < meter.BlockedUntil)
            {
                wasBlocked = now >= meter.AnnouncedAt + notice;
                return false;
            }

            wasBlocked = false;
            if (meter.Window.Count(now, window) >= budget)
            {
                meter.BlockedUntil = now.AddSeconds(blockSeconds);
                meter.AnnouncedAt = null;
                return false;
            }

            meter.Window.Add(now, window);
            return true;
        }
    }

    public void Block(string accountId, TimeSpan duration, TimeProvider clock)
    {
        var meter = _accounts.GetOrAdd(accountId, _ => new Meter());
        lock (meter)
        {
            meter.BlockedUntil = clock.GetUtcNow() + duration;
            meter.AnnouncedAt = null;
        }
    }

    /// <summary>An answer telling of the account's throttle has gone out: the first one starts the notice time.</summary>
    public void Announce(string? accountId, TimeProvider clock)
    {
        if (accountId is not null && _accounts.TryGetValue(accountId, out var meter))
        {
            lock (meter)
            {
                meter.AnnouncedAt ??= clock.GetUtcNow();
            }
        }
    }

    public void Reset()
    {
        _accounts.Clear();
        lock (_app)
        {
            _app.Window.Clear();
            _app.BlockedUntil = default;
        }
    }

    /// <summary>The usage headers Meta sends, on every response, errors included.</summary>
    public void AddHeaders(List<KeyValuePair<string, string>> headers, string? accountId, bool insights, SimulatorOptions options)
    {
        var now = options.Clock.GetUtcNow();
        var window = TimeSpan.FromSeconds(options.BudgetWindowSeconds);
        var app = Read(_app, now, window, options.AppCallBudget);
        var appPercent = (int)Math.Min(100, Math.Floor(app.Percent));
        headers.Add(new("X-App-Usage",
            $"{{\"call_count\":{appPercent},\"total_cputime\":{appPercent / 2},\"total_time\":{appPercent * 3 / 4}}}"));
        if (accountId is null)
        {
            return;
        }

        var account = _accounts.TryGetValue(accountId, out var meter) ? Read(meter, now, window, options.CallBudget) : default;
        var percent = Math.Round(Math.Min(100, account.Percent), 2).ToString(CultureInfo.InvariantCulture);
        var whole = (int)Math.Min(100, Math.Floor(account.Percent));
        var resetSeconds = Math.Max(account.BlockedSeconds, account.ResetSeconds);
        var regainMinutes = (int)Math.Ceiling(account.BlockedSeconds / 60.0);
        var id = accountId.StartsWith("act_", StringComparison.Ordinal) ? accountId[4..] : accountId;
        headers.Add(new("X-Ad-Account-Usage",
            $"{{\"acc_id_util_pct\":{percent},\"reset_time_duration\":{resetSeconds},\"ads_api_access_tier\":\"standard_access\"}}"));
        headers.Add(new("X-Business-Use-Case-Usage",
            $"{{\"{id}\":[{{\"type\":\"{(insights ? "ads_insights" : "ads_management")}\",\"call_count\":{whole},\"total_cputime\":{whole / 2},\"total_time\":{whole * 3 / 4},\"estimated_time_to_regain_access\":{regainMinutes},\"ads_api_access_tier\":\"standard_access\"}}]}}"));
        if (insights)
        {
            headers.Add(new("x-fb-ads-insights-throttle",
                $"{{\"app_id_util_pct\":{Math.Round(Math.Min(100, app.Percent), 2).ToString(CultureInfo.InvariantCulture)},\"acc_id_util_pct\":{percent},\"ads_api_access_tier\":\"standard_access\"}}"));
        }
    }

    readonly record struct Usage(double Percent, int BlockedSeconds, int ResetSeconds);

    static Usage Read(Meter meter, DateTimeOffset now, TimeSpan window, int budget)
    {
        lock (meter)
        {
            var blocked = meter.BlockedUntil > now ? (int)Math.Ceiling((meter.BlockedUntil - now).TotalSeconds) : 0;
            // A blocked account reads 100 % whatever its count, as Meta reports it while throttling.
            var percent = blocked > 0 ? 100 : meter.Window.Count(now, window) * 100.0 / budget;
            return new Usage(percent, blocked, meter.Window.SecondsToReset(now, window));
        }
    }
}
