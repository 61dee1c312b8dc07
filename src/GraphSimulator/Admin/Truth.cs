using System.Globalization;
using MetaAdsSync.GraphSimulator.Data;
using MetaAdsSync.GraphSimulator.Graph;

namespace MetaAdsSync.GraphSimulator.Admin;

/// <summary>Builds <see cref="AccountTruth"/> from the data set with the same rules the Graph answers use.</summary>
internal static class Truth
{
    static readonly Filtering.Compiled NoFilter = new([], false);

    public static AccountTruth? For(SimulatorState state, string accountId)
    {
        if (state.Data.Account(accountId) is not { } account)
        {
            return null;
        }

        var insights = new SortedDictionary<string, InsightTruth>(StringComparer.Ordinal);
        foreach (var preset in DatePresets.All)
        {
            var range = Insights.Range(account, preset, state.Options.Clock);
            var days = Insights.Days(range);
            List<string> Rows(Level level) => Insights.Subjects(account, null, level, days, NoFilter).Select(o => o.Id).ToList();
            insights[preset] = new InsightTruth(
                range.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                range.Stop.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Insights.AccountHasRow(account, null, days),
                Rows(Level.Campaign),
                Rows(Level.AdSet),
                Rows(Level.Ad));
        }

        return new AccountTruth(account.Id, account.Name, account.Currency, account.Timezone,
            Describe(account.Campaigns), Describe(account.AdSets), Describe(account.Ads), insights);
    }

    public static List<AccountSummary> Summaries(SimulatorState state) => state.Data.Accounts.Select(a =>
    {
        var listed = a.Campaigns.Concat(a.AdSets).Concat(a.Ads).Where(o => o.IsListed).ToList();
        return new AccountSummary(a.Id, a.Name,
            a.Campaigns.Count(o => o.IsListed), a.AdSets.Count(o => o.IsListed), a.Ads.Count(o => o.IsListed),
            listed.Count(o => EffectiveStatus.IsDelivering(o.EffectiveStatus)));
    }).ToList();

    static LevelTruth Describe(List<AdObject> items) => new(
        items.Where(o => o.IsListed).Select(o => o.Id).ToList(),
        items.Where(o => o.IsListed && EffectiveStatus.IsDelivering(o.EffectiveStatus)).Select(o => o.Id).ToList(),
        items.Where(o => o.EffectiveStatus == EffectiveStatus.Archived).Select(o => o.Id).ToList(),
        items.Where(o => o.EffectiveStatus == EffectiveStatus.Deleted).Select(o => o.Id).ToList(),
        items.ToDictionary(o => o.Id, o => o.EffectiveStatus, StringComparer.Ordinal));
}
