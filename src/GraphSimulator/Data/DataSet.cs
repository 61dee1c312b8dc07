using System.Collections.Concurrent;

namespace MetaAdsSync.GraphSimulator.Data;

/// <summary>
/// Every account and object the simulator serves, built once from the options' seed and changed only through
/// <see cref="Admin.DataChanges"/>. Graph answers and the truth read under <see cref="Lock"/>'s read lock, changes
/// hold its write lock, so an answer never sees half a change.
/// </summary>
internal sealed class DataSet
{
    readonly Dictionary<string, AdAccount> _accounts = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, AdObject> _objects = new(StringComparer.Ordinal);

    public DataSet(SimulatorOptions options)
    {
        var specs = new List<AccountSpec>();
        if (options.IncludeSeedAccounts)
        {
            specs.AddRange(AccountSpec.SeedAccounts());
        }

        specs.AddRange(SyntheticAccounts.Create(options));
        Seed = options.Seed;
        Text = new TextPool(options.Seed);
        var builder = new AccountBuilder(options.Seed, Text);
        for (var i = 0; i < specs.Count; i++)
        {
            var account = builder.Build(specs[i], i, options.Clock);
            Accounts.Add(account);
            _accounts.Add(account.Id, account);
            foreach (var level in new[] { Level.Campaign, Level.AdSet, Level.Ad })
            {
                foreach (var item in account.At(level))
                {
                    _objects.TryAdd(item.Id, item);
                }
            }
        }
    }

    public int Seed { get; }
    public TextPool Text { get; }
    public ReaderWriterLockSlim Lock { get; } = new();
    public List<AdAccount> Accounts { get; } = [];

    /// <summary>By <c>act_…</c> id; a bare number is accepted too, as the admin API is lenient.</summary>
    public AdAccount? Account(string id) =>
        _accounts.GetValueOrDefault(id.StartsWith("act_", StringComparison.Ordinal) ? id : "act_" + id);

    public AdObject? Object(string id) => _objects.GetValueOrDefault(id);

    public void Add(AdObject item) => _objects[item.Id] = item;

    public void Forget(AdObject item) => _objects.TryRemove(item.Id, out _);

    public T Read<T>(Func<T> read)
    {
        Lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            Lock.ExitReadLock();
        }
    }

    public void Write(Action write) => Write(() =>
    {
        write();
        return 0;
    });

    public T Write<T>(Func<T> write)
    {
        Lock.EnterWriteLock();
        try
        {
            return write();
        }
        finally
        {
            Lock.ExitWriteLock();
        }
    }
}
