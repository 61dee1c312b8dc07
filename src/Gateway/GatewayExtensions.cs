using System.Threading.RateLimiting;
using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Accounts;
using MetaAdsSync.Gateway.Api;
using MetaAdsSync.GraphApi;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.RateGate;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, ValidateGatewayOptions>();
        builder.Services.AddOptions<CronOptions>().BindConfiguration(CronOptions.Section);

        builder.Services.AddSharedRateGate();
        builder.Services.AddMetaGraphApi();
        builder.Services.AddTelemetrySource(GraphTelemetry.Name);
        builder.Services.AddSingleton<AccountsRefresher>();
        builder.Services.AddSingleton<AccountQueries>();
        builder.Services.AddSingleton<SyncQueries>();
        builder.Services.AddSingleton<ApiKeyFilter>();
        builder.AddMessaging(x =>
        {
            x.AddRequestClient<SyncAccountRequested>();
            x.AddRequestClient<RunStaleAccountSweep>();
        });

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SyncEndpoints.SyncRateLimit, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.SyncRequestsPerMinute;
                var client = http.Items[ApiKeyFilter.ClientItem] as string ?? "ip:" + http.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                });
            });
            limiter.OnRejected = (context, cancellationToken) =>
                new ValueTask(Results.Problem(statusCode: 429, title: "Too many sync requests.",
                        detail: "This API key asked for more syncs per minute than Gateway:SyncRequestsPerMinute allows; try again shortly.")
                    .ExecuteAsync(context.HttpContext));
        });
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();

        var api = app.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        api.MapSyncEndpoints();
        api.MapAccountEndpoints();
        api.MapRateLimitEndpoints();
        app.MapCronEndpoints();
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/v1.json");
        return app;
    }
}
