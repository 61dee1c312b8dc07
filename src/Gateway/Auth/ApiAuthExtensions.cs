using MetaAdsSync.Gateway.Api;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Auth;

public static class ApiAuthExtensions
{
    public static IServiceCollection AddApiAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddSingleton<SyncQuota>();
        services.AddSingleton<SyncQuotaFilter>();
        return services;
    }

    /// <summary>
    /// Authentication for every request, then the caller's key id in the log scope of everything the request logs, then
    /// <c>/metrics</c> closed unless <c>Gateway:MetricsAnonymous</c> (or no keys) opens it. Endpoints opt in to
    /// authorization; <c>/health/*</c>, the dashboard's files and the cron endpoint (its own secret) stay outside.
    /// </summary>
    public static WebApplication UseApiAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiCaller).FullName!);
        app.Use(async (http, next) =>
        {
            if (ApiCaller.From(http.User).KeyId is not { } keyId)
            {
                await next(http);
                return;
            }

            using (logger.BeginScope("ApiKey:{ApiKeyId}", keyId))
            {
                await next(http);
            }
        });
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/metrics"), metrics => metrics.Use(async (http, next) =>
        {
            var caller = ApiCaller.From(http.User);
            if (http.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MetricsOpen || caller is { KeyId: not null, Accounts: null })
            {
                await next(http);
                return;
            }

            await Problems.Unauthorized("/metrics needs an API key for all accounts here; Gateway:MetricsAnonymous=true opens it (for a scrape on an internal port).")
                .ExecuteAsync(http);
        }));
        app.UseAuthorization();
        return app;
    }
}
