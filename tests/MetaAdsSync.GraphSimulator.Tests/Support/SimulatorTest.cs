namespace MetaAdsSync.GraphSimulator.Tests.Support;

/// <summary>A test class with its own simulator, started before its first test and stopped after its last.</summary>
public abstract class SimulatorTest : IAsyncLifetime
{
    protected Sim Simulator { get; private set; } = null!;

    /// <summary>Options for this class's simulator; the defaults otherwise.</summary>
    protected virtual void Configure(SimulatorOptions options)
    {
    }

    public async Task InitializeAsync() => Simulator = await Sim.StartAsync(Configure);

    public async Task DisposeAsync() => await Simulator.DisposeAsync();
}
