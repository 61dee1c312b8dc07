using MetaAdsSync.Orchestrator.Saga;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>The stall settings of the stall specs and the watchdog's.</summary>
static class StallSettings
{
    public static void Apply(SagaOptions options)
    {
        options.StallAfter = TimeSpan.FromSeconds(30);
        options.RunTimeout = TimeSpan.FromMinutes(5);
        options.MaxRedrives = 2;
    }
}
