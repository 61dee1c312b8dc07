using Microsoft.Extensions.Options;

namespace MetaAdsSync.Gateway.Webhooks;

public static class WebhookRegistration
{
    /// <summary>The webhooks API's store and target rules, and the sender with its own HttpClient: no redirects, addresses checked per connection.</summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new WebhookTargets(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.WebhookAllowPrivateTargets));
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddHttpClient(WebhookSender.Client)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<WebhookTargets>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.AddHostedService<WebhookSender>();
        return builder;
    }
}
