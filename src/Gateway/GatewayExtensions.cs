using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.Gateway.Api;
using MetaAdsSync.Gateway.Auth;
using MetaAdsSync.Gateway.Events;
using MetaAdsSync.Gateway.Webhooks;
using MetaAdsSync.GraphApi;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.RateGate;
using MetaAdsSync.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.ApiKeys = ApiKeyOptions.ReadAll(configuration.GetSection(GatewayOptions.Section).GetSection(nameof(GatewayOptions.ApiKeys))))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, ValidateGatewayOptions>();
        builder.Services.AddOptions<CronOptions>().BindConfiguration(CronOptions.Section);

        builder.Services.AddSharedRateGate(StorageExtensions.SessionDataSource);
        builder.Services.AddMetaGraphApi();
        builder.Services.AddTelemetrySource(GraphTelemetry.Name);
        builder.Services.AddSingleton<AccountsRefresher>();
        builder.Services.AddSingleton<AccountQueries>();
        builder.Services.AddSingleton<DailyInsightQueries>();
        builder.Services.AddSingleton<SyncQueries>();
        builder.Services.AddSingleton<SyncEventHub>();
        builder.AddWebhooks();
        builder.Services.AddApiAuthentication();
        builder.AddMessaging(x =>
        {
            x.AddRequestClient<SyncAccountRequested>();
            x.AddRequestClient<RunStaleAccountSweep>();
            SyncEventsConsumer.Register(x);
            x.AddConsumer<AccountEventsConsumer>();
        }, new MessageWarmUp(
            [typeof(SyncAccountRequested)],
            [typeof(SyncAccepted), typeof(SyncRejected), typeof(SyncProgressed), typeof(AccountSyncCompleted), typeof(AccountSyncFailed), typeof(AccountSyncTimedOut)],
            [typeof(SyncAccepted), typeof(SyncRejected)]));

        // The first request's pipeline, run once before the Gateway reports ready.
        builder.Services.AddSingleton<ApiWarmUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ApiWarmUp>());
        builder.Services.AddHealthChecks().AddCheck<ApiWarmUp>("api-warm-up", HealthStatus.Unhealthy, [ServiceDefaultsExtensions.ReadyTag]);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.AddApiContract();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();

        app.UseApiAuthentication();
        // Every /api endpoint may refuse its caller, and answers 503 while PostgreSQL is away (DatabaseUnavailableHandler).
        var api = app.MapGroup("/api").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapSyncEndpoints();
        api.MapSyncEventEndpoints();
        api.MapWebhookEndpoints();
        api.MapAccountEndpoints();
        api.MapDailyInsightEndpoints();
        api.MapRateLimitEndpoints();
        app.MapCronEndpoints();
        app.MapApiContract();
        return app;
    }
}
