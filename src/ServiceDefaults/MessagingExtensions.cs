using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.ServiceDefaults;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ from <c>RabbitMq:*</c>: kebab-case endpoints, usage telemetry off (no host calls out),
    /// every message of a run handled with its RunId and AccountId in the
    /// logging scope, endpoints configured from the consumers and sagas that <paramref name="configure"/> registers; with
    /// <paramref name="warmUp"/>, the paths of those messages warmed once the bus has started (<see cref="MessagingWarmUp"/>).
    /// </summary>
    public static TBuilder AddMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null, MessageWarmUp? warmUp = null)
        where TBuilder : IHostApplicationBuilder
    {
        if (warmUp is not null)
        {
            builder.Services.AddSingleton(warmUp);
            builder.Services.AddSingleton<MessagingWarmUp>();
            builder.Services.AddBusObserver(sp => sp.GetRequiredService<MessagingWarmUp>());
            builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<MessagingWarmUp>());
            builder.Services.AddHealthChecks().AddCheck<MessagingWarmUp>("messaging-warm-up", HealthStatus.Unhealthy, [ServiceDefaultsExtensions.ReadyTag]);
        }

        builder.Services.AddOptions<RabbitMqOptions>()
            .BindConfiguration(RabbitMqOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(x);

            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                });
                cfg.UseConsumeFilter(typeof(RunLogScopeFilter<>), context);
                cfg.ConfigureEndpoints(context);
            });
        });

        // The bus connects in the background and keeps retrying: a host whose broker is down still
        // starts, reports not-ready, and becomes ready on its own when the broker returns.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
