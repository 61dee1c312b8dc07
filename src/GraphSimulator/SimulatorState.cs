using System.ComponentModel.DataAnnotations;
using MetaAdsSync.GraphSimulator.Admin;
using MetaAdsSync.GraphSimulator.Data;
using MetaAdsSync.GraphSimulator.Graph;
using MetaAdsSync.GraphSimulator.Limits;

namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// The simulator's one piece of state: the data set, the current options (swapped whole, so a call reads one
/// consistent set), the counters, the rate limiter and the fault plan.
/// </summary>
internal sealed class SimulatorState
{
    volatile SimulatorOptions _options;

    public SimulatorState(SimulatorOptions options)
    {
        Validate(options);
        _options = options.Clone();
        Data = new DataSet(options);
        Cursors = new Cursors(options.Seed);
        Insights = new Insights(options.Seed);
        Changes = new DataChanges(this);
    }

    public SimulatorOptions Options => _options;
    public DataSet Data { get; }
    public Cursors Cursors { get; }
    public Insights Insights { get; }
    public StatsCollector Stats { get; } = new();
    public RateLimiter Limiter { get; } = new();
    public FaultPlan Faults { get; } = new();
    public Reports Reports { get; } = new();
    public DataChanges Changes { get; }

    /// <summary>Applies a change to a copy and swaps it in; the data set's options cannot change once built.</summary>
    public SimulatorOptions Configure(Action<SimulatorOptions> change)
    {
        var next = _options.Clone();
        change(next);
        return Replace(next);
    }

    public SimulatorOptions Replace(SimulatorOptions next)
    {
        next = next.Clone();
        if (next.Seed != _options.Seed || next.IncludeSeedAccounts != _options.IncludeSeedAccounts
            || next.SyntheticAccounts != _options.SyntheticAccounts || next.SyntheticMeanEntities != _options.SyntheticMeanEntities
            || next.SyntheticDistribution != _options.SyntheticDistribution)
        {
            throw new ValidationException("Seed, IncludeSeedAccounts and the Synthetic* options shape the data set: set them at start.");
        }

        Validate(next);
        _options = next;
        return next.Clone();
    }

    /// <summary>Counters, limits and faults start afresh; the data keeps every change made to it.</summary>
    public void Reset()
    {
        Stats.Reset();
        Limiter.Reset();
        Faults.Reset();
        Reports.Reset();
    }

    static void Validate(SimulatorOptions options)
    {
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (options.AccessTokens.Length == 0)
        {
            throw new ValidationException("Simulator:AccessTokens needs at least one token.");
        }
    }
}
