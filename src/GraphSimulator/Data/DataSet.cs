namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>Every account and object the simulator serves, built once from the options' seed.</summary>
internal sealed class DataSet
{
    readonly Dictionary<string, AdAccount> _accounts = new(StringComparer.Ordinal);
    readonly Dictionary<string, AdObject> _objects = new(StringComparer.Ordinal);

    public DataSet(SimulatorOptions options)
    {
        var specs = new List<AccountSpec>();
        if (options.IncludeSeedAccounts)
        {
            specs.AddRange(AccountSpec.SeedAccounts());
        }

        specs.AddRange(SyntheticAccounts.Create(options));
        var builder = new AccountBuilder(options.Seed, new TextPool(options.Seed));
        for (var i = 0; i < specs.Count; i++)
        {
            var account = builder.Build(specs[i], i);
            Accounts.Add(account);
            _accounts.Add(account.Id, account);
            foreach (var level in new[] { Level.Campaign, Level.AdSet, Level.Ad })
            {
                foreach (var item in account.At(level))
                {
                    _objects.Add(item.Id, item);
                }
            }
        }
    }

    public List<AdAccount> Accounts { get; } = [];

    /// <summary>By <c>act_…</c> id; a bare number is accepted too, as the admin API is lenient.</summary>
    public AdAccount? Account(string id) =>
        _accounts.GetValueOrDefault(id.StartsWith("act_", StringComparison.Ordinal) ? id : "act_" + id);

    public AdObject? Object(string id) => _objects.GetValueOrDefault(id);
}
