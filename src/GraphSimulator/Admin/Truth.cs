using System.Globalization;
using MetaAdsSync.GraphSimulator.Data;
using MetaAdsSync.GraphSimulator.Graph;

namespace MetaAdsSync.GraphSimulator.Admin;

/// <summary>Builds <see cref="AccountTruth"/> from the data set with the same rules the Graph answers use.</summary>
internal static class Truth
{
    static readonly Filtering.Compiled NoFilter = new([], false);
    static readonly Level[] Levels = [Level.Account, Level.Campaign, Level.AdSet, Level.Ad];

    public static AccountTruth? For(SimulatorState state, string accountId) => state.Data.Read(() =>
    {
        if (state.Data.Account(accountId) is not { } account)
        {
            return null;
        }

        var today = account.Today(state.Options.Clock);
        var insights = new SortedDictionary<string, InsightTruth>(StringComparer.Ordinal);
        foreach (var preset in DatePresets.All)
        {
            var range = DatePresets.Range(preset, today, DateOnly.FromDateTime(account.CreatedTime.UtcDateTime));
            var period = InsightPeriod.Create(range.Start, range.Stop, "all_days");
            List<string> Rows(Level level) => Insights.Rows(account, null, level, period, NoFilter, today).Select(r => r.Item!.Id).ToList();
            insights[preset] = new InsightTruth(
                Date(range.Start),
                Date(range.Stop),
                Insights.Rows(account, null, Level.Account, period, NoFilter, today).Count > 0,
                Rows(Level.Campaign),
                Rows(Level.AdSet),
                Rows(Level.Ad));
        }

        return new AccountTruth(account.Id, account.Name, account.Currency, account.Timezone,
            Describe(account.Campaigns), Describe(account.AdSets), Describe(account.Ads), insights, account.Accessible, account.AccountStatus);
    });

    /// <summary>Every level's daily rows from <paramref name="since"/> to <paramref name="until"/>; null for an unknown account.</summary>
    public static DailyTruth? Daily(SimulatorState state, string accountId, DateOnly since, DateOnly until) => state.Data.Read(() =>
    {
        if (state.Data.Account(accountId) is not { } account)
        {
            return null;
        }

        var today = account.Today(state.Options.Clock);
        var period = InsightPeriod.Create(since, until, "1");
        var rows = new List<DailyRow>();
        foreach (var level in Levels)
        {
            foreach (var row in Insights.Rows(account, null, level, period, NoFilter, today))
            {
                var m = state.Insights.Period(account, row.Item, row.Start, row.Stop)!.Value;
                rows.Add(new DailyRow(Insights.LevelName(level), row.Item?.Id ?? account.Id, Date(row.Start),
                    m.Impressions, m.Reach, m.Clicks, decimal.Round((decimal)m.Spend, 2)));
            }
        }

        return new DailyTruth(account.Id, Date(since), Date(until), rows);
    });

    public static List<AccountSummary> Summaries(SimulatorState state) => state.Data.Read(() => state.Data.Accounts.Select(a =>
    {
        var listed = a.Campaigns.Concat(a.AdSets).Concat(a.Ads).Where(o => o.IsListed).ToList();
        return new AccountSummary(a.Id, a.Name,
            a.Campaigns.Count(o => o.IsListed), a.AdSets.Count(o => o.IsListed), a.Ads.Count(o => o.IsListed),
            listed.Count(o => EffectiveStatus.IsDelivering(o.EffectiveStatus)), a.Accessible, a.AccountStatus);
    }).ToList());

    public static EntityTruth Entity(AdObject o) => new(
        o.Id, o.Name, o.Status, o.EffectiveStatus, o.CampaignId, o.AdSetId, o.CreatedTime, o.UpdatedTime,
        o.DailyBudget, o.LifetimeBudget, o.Creative?.Title, o.Creative?.Body);

    static LevelTruth Describe(List<AdObject> items) => new(
        items.Where(o => o.IsListed).Select(o => o.Id).ToList(),
        items.Where(o => o.IsListed && EffectiveStatus.IsDelivering(o.EffectiveStatus)).Select(o => o.Id).ToList(),
        items.Where(o => o.EffectiveStatus == EffectiveStatus.Archived).Select(o => o.Id).ToList(),
        items.Where(o => o.EffectiveStatus == EffectiveStatus.Deleted).Select(o => o.Id).ToList(),
        items.ToDictionary(o => o.Id, o => o.EffectiveStatus, StringComparer.Ordinal),
        items.ToDictionary(o => o.Id, Entity, StringComparer.Ordinal));

    static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
