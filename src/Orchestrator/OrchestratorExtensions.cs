namespace MetaAdsSync.Orchestrator;

public static class OrchestratorExtensions
{
    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        // Before AddMessaging: hosted services start in order, so the schema exists before any consumer runs.
        builder.Services.AddHostedService<SchemaMigrationService>();
        return builder;
    }
}
