using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>What every host shares: logging, OpenTelemetry, health checks and their endpoints, the system clock.</summary>
public static class ServiceDefaultsExtensions
{
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Only in the host's own process: a test that hosts it in the test's process (WebApplicationFactory) changes
        // nothing of the runtime's.
        if (Assembly.GetEntryAssembly()?.GetName().Name == builder.Environment.ApplicationName)
        {
            if (JitProfile.For(builder.Configuration, builder.Environment.ApplicationName) is { } profile)
            {
                builder.Services.AddSingleton(profile);
                builder.Services.AddHostedService<JitProfileRecorder>();
            }

            if (builder.Configuration.GetValue("BackgroundJit:LowPriority", true) && BackgroundJitPriority.Start() is { } priority)
            {
                builder.Services.AddSingleton(priority);
            }

            if (builder.Configuration.GetValue("JitSettle:Enabled", true))
            {
                builder.Services.AddSingleton<JitSettleHold>();
                builder.Services.AddHostedService(sp => sp.GetRequiredService<JitSettleHold>());
                builder.Services.AddHealthChecks().AddCheck<JitSettleHold>("jit-settle", HealthStatus.Unhealthy, [ReadyTag]);
            }
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        builder.AddOpenTelemetry();
        builder.Services.AddHealthChecks();
        // Registered once here, so that a test host can put its own clock in first.
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Exports a library's own ActivitySource and Meter (both named <paramref name="name"/>) with the host's.</summary>
    public static IServiceCollection AddTelemetrySource(this IServiceCollection services, string name)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(name));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(name));
        return services;
    }

    static void AddOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter(Telemetry.MeterName, "MassTransit")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Exported over OTLP only when an endpoint is configured: no host calls out on its own. Spans are recorded only
        // then too: with nobody to send them to, a span per message, statement and HTTP call was CPU spent for nothing.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(tracing => tracing
                    .AddSource(Telemetry.SourceName, "MassTransit")
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsPlumbing(ctx.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .UseOtlpExporter();
        }
    }

    static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    /// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> (broker and schema), <c>/metrics</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
            // MassTransit reports a bus that lost its broker as Degraded, which ASP.NET Core answers with 200: a host
            // that cannot reach its broker is not ready, whatever the report calls it.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
