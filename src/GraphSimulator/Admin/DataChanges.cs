using MetaAdsSync.GraphSimulator.Data;
using static MetaAdsSync.GraphSimulator.Data.EffectiveStatus;

namespace MetaAdsSync.GraphSimulator.Admin;

/// <summary>
/// Changes the data set between syncs as advertisers and Meta do, for the admin API and <see cref="RunningSimulator"/>
/// alike. A change bumps <c>updated_time</c> of the object it names and of no other: pausing a campaign leaves its
/// children's untouched while their effective status turns CAMPAIGN_PAUSED, as Meta does. Whatever starts or stops
/// delivering does so today, in its account's calendar; past days change only through <see cref="Restate"/> (and a
/// moved ad takes its days to its new parents). Bad input throws <see cref="ArgumentException"/>, an unknown id
/// <see cref="KeyNotFoundException"/>, a change Meta refuses (to a DELETED object) <see cref="InvalidOperationException"/>.
/// </summary>
internal sealed class DataChanges(SimulatorState state)
{
    static readonly string[] Statuses = [Active, Paused, Archived, Deleted];

    /// <summary>Meta's <c>account_status</c> values.</summary>
    static readonly int[] AccountStatuses = [1, 2, 3, 7, 8, 9, 100, 101, 201, 202];

    DataSet Data => state.Data;
    TimeProvider Clock => state.Options.Clock;

    public EntityTruth Change(string id, ObjectChange change) => Data.Write(() =>
    {
        var item = Find(id);
        if (change == new ObjectChange())
        {
            throw new ArgumentException("nothing to change: give status, name, adSetId, dailyBudget, lifetimeBudget, creativeTitle or creativeBody");
        }

        Refuse(item);
        if (change.Status is { } status && !Statuses.Contains(status))
        {
            throw Invalid.Field("status", $"status must be one of {string.Join(", ", Statuses)}");
        }

        Named(change.Name, "name");
        Positive(change.DailyBudget, "dailyBudget");
        Positive(change.LifetimeBudget, "lifetimeBudget");
        if (item.Level == Level.Ad && (change.DailyBudget ?? change.LifetimeBudget) is not null)
        {
            throw Invalid.Field("dailyBudget", "an ad has no budget: set it on its ad set or campaign");
        }

        if (item.Level != Level.Ad && (change.AdSetId ?? change.CreativeTitle ?? change.CreativeBody) is not null)
        {
            throw Invalid.Field(change.AdSetId is null ? "creativeTitle" : "adSetId", "only an ad moves to another ad set or has a creative");
        }

        var target = change.AdSetId is { } adSetId ? Parent(adSetId, Level.AdSet, item.Account, "adSetId") : null;

        item.Name = change.Name ?? item.Name;
        item.Status = change.Status ?? item.Status;
        item.DailyBudget = change.DailyBudget ?? item.DailyBudget;
        item.LifetimeBudget = change.LifetimeBudget ?? item.LifetimeBudget;
        if (item.Creative is { } creative && (change.CreativeTitle ?? change.CreativeBody) is not null)
        {
            item.Creative = creative with { Title = change.CreativeTitle ?? creative.Title, Body = change.CreativeBody ?? creative.Body };
        }

        if (target is not null && target != item.AdSet)
        {
            item.AdSet!.Children.Remove(item);
            target.Children.Add(item);
            item.AdSet = target;
            item.Campaign = target.Campaign;
        }

        item.UpdatedTime = Now();
        Settle(item);
        return Truth.Entity(item);
    });

    public EntityTruth CreateCampaign(string accountId, NewObject spec) => Data.Write(() =>
    {
        var account = Data.Account(accountId) ?? throw new KeyNotFoundException($"unknown account {accountId}");
        return Create(account, Level.Campaign, null, spec);
    });

    public EntityTruth CreateChild(string parentId, Level level, NewObject spec) => Data.Write(() =>
    {
        var parent = Parent(parentId, level - 1, null, "parent");
        return Create(parent.Account, level, parent, spec);
    });

    /// <summary>Forgets an object and everything under it: its ids no longer exist anywhere, as Meta purges old deletions.</summary>
    public void Purge(string id) => Data.Write(() =>
    {
        var item = Find(id);
        (item.AdSet ?? item.Campaign)?.Children.Remove(item);
        foreach (var gone in item.Subtree().ToList())
        {
            gone.Account.At(gone.Level).Remove(gone);
            Data.Forget(gone);
        }
    });

    public AccountSummary ChangeAccount(string accountId, AccountChange change)
    {
        var id = Data.Write(() => Apply(accountId, change));
        return Truth.Summaries(state).Single(s => s.AccountId == id);
    }

    string Apply(string accountId, AccountChange change)
    {
        var account = Data.Account(accountId) ?? throw new KeyNotFoundException($"unknown account {accountId}");
        if (change == new AccountChange())
        {
            throw new ArgumentException("nothing to change: give accessible or accountStatus");
        }

        if (change.AccountStatus is { } status && !AccountStatuses.Contains(status))
        {
            throw Invalid.Field("accountStatus", $"accountStatus must be one of Meta's values {string.Join(", ", AccountStatuses)}");
        }

        account.Accessible = change.Accessible ?? account.Accessible;
        account.AccountStatus = change.AccountStatus ?? account.AccountStatus;
        return account.Id;
    }

    /// <summary>Scales the days of an object (or of a whole account, named <c>act_…</c>) and of everything under it.</summary>
    public Restated Restate(string id, Restatement restatement) => Data.Write(() =>
    {
        var account = id.StartsWith("act_", StringComparison.Ordinal) ? Data.Account(id) ?? throw new KeyNotFoundException($"unknown account {id}") : null;
        var items = account is null ? Find(id).Subtree().ToList() : account.Campaigns.SelectMany(c => c.Subtree()).ToList();
        var today = (account ?? items[0].Account).Today(Clock);
        var (since, until, factor) = (restatement.Since, restatement.Until, restatement.Factor);
        if (since > until)
        {
            throw Invalid.Field("since", "since must not be after until");
        }

        if (until > today)
        {
            throw Invalid.Field("until", $"until {until:yyyy-MM-dd} is after today ({today:yyyy-MM-dd} in the account's time zone): only past days and today are restated");
        }

        if (!double.IsFinite(factor) || factor <= 0 || factor > 100)
        {
            throw Invalid.Field("factor", "factor must be above 0 and at most 100");
        }

        foreach (var item in items)
        {
            item.Restated ??= [];
            for (var day = since.DayNumber; day <= until.DayNumber; day++)
            {
                item.Restated[day] = item.Restated.GetValueOrDefault(day, 1.0) * factor;
            }
        }

        return new Restated(items.Count, until.DayNumber - since.DayNumber + 1);
    });

    EntityTruth Create(AdAccount account, Level level, AdObject? parent, NewObject spec)
    {
        if (spec.Status is { } status && status is not (Active or Paused))
        {
            throw Invalid.Field("status", "a new object's status is ACTIVE or PAUSED");
        }

        Named(spec.Name, "name");
        Positive(spec.DailyBudget, "dailyBudget");
        if (level == Level.Ad && spec.DailyBudget is not null)
        {
            throw Invalid.Field("dailyBudget", "an ad has no budget: set it on its ad set or campaign");
        }

        var id = account.Ids.Next(level);
        var rng = new Rng(Data.Seed, id);
        var now = Now();
        var name = spec.Name ?? level switch
        {
            Level.Campaign => TextPool.CampaignName(rng),
            Level.AdSet => TextPool.AdSetName(rng),
            _ => TextPool.AdName(rng, account.Ads.Count + 1),
        };
        var item = new AdObject
        {
            Level = level,
            Id = id,
            Account = account,
            Campaign = parent?.Campaign ?? parent,
            AdSet = level == Level.Ad ? parent : null,
            Name = name,
            Status = spec.Status ?? Active,
            EffectiveStatus = Active,
            CreatedTime = now,
            UpdatedTime = now,
            Objective = level == Level.Campaign ? TextPool.Objective(rng) : null,
            DailyBudget = spec.DailyBudget,
            OptimizationGoal = level == Level.AdSet ? TextPool.OptimizationGoal(rng) : null,
            Creative = level == Level.Ad ? Data.Text.Creative(rng, account.Ids.NextCreative(), name) : null,
        };

        // Newest first, as the edges list them.
        account.At(level).Insert(0, item);
        parent?.Children.Add(item);
        Data.Add(item);
        item.EffectiveStatus = Of(item);
        if (IsDelivering(item.EffectiveStatus))
        {
            item.Delivery.Start(account.Today(Clock).DayNumber);
        }

        return Truth.Entity(item);
    }

    /// <summary>
    /// Derives the effective status of the object and everything under it again; what starts or stops delivering by
    /// it does so today.
    /// </summary>
    void Settle(AdObject changed)
    {
        var today = changed.Account.Today(Clock).DayNumber;
        foreach (var item in changed.Subtree())
        {
            var was = IsDelivering(item.EffectiveStatus);
            item.EffectiveStatus = Of(item);
            if (IsDelivering(item.EffectiveStatus) != was)
            {
                if (was)
                {
                    item.Delivery.Stop(today);
                }
                else
                {
                    item.Delivery.Start(today);
                }
            }
        }
    }

    AdObject Find(string id) => Data.Object(id) ?? throw new KeyNotFoundException($"unknown object {id}");

    AdObject Parent(string id, Level level, AdAccount? account, string field)
    {
        var parent = Data.Object(id);
        if (parent is null || parent.Level != level || (account is not null && parent.Account != account))
        {
            throw Invalid.Field(field, $"{id} is not {(level == Level.Campaign ? "a campaign" : "an ad set")}{(account is null ? "" : " of " + account.Id)}");
        }

        if (!parent.IsListed)
        {
            throw new InvalidOperationException($"{id} is {parent.EffectiveStatus}: nothing can be placed under it");
        }

        return parent;
    }

    static void Refuse(AdObject item)
    {
        if (item.EffectiveStatus == Deleted)
        {
            throw new InvalidOperationException($"{item.Id} is DELETED: Meta refuses every change to a deleted object");
        }
    }

    static void Named(string? name, string field)
    {
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > 400))
        {
            throw Invalid.Field(field, $"{field} must have 1 to 400 characters");
        }
    }

    static void Positive(long? amount, string field)
    {
        if (amount is <= 0)
        {
            throw Invalid.Field(field, $"{field} must be a positive amount in minor units");
        }
    }

    /// <summary>Meta's times are whole seconds.</summary>
    DateTimeOffset Now()
    {
        var now = Clock.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}

/// <summary>Bad input to a change: an <see cref="ArgumentException"/> that carries the field it is about.</summary>
internal static class Invalid
{
    public const string FieldKey = "field";

    public static ArgumentException Field(string field, string message) => new(message) { Data = { [FieldKey] = field } };
}
