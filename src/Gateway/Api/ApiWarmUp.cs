using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MetaAdsSync.ServiceDefaults;
using MetaAdsSync.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// Once the server listens, asks the Gateway itself for a sync that does not exist (<c>GET /api/syncs/{empty uuid}</c>:
/// 404, or 401 where anonymous callers are not let in), so that the first request after a start does not build the
/// route matcher, the authentication and endpoint pipelines, a run's read and the problem writer on its critical path.
/// It waits for the schema (the Gateway may start before the Orchestrator applied it). Reads nothing but that run;
/// writes nothing. The host reports ready only after this (at most <see cref="WarmUpHold.Limit"/>); a warm-up that cannot run is
/// logged and never stops the host.
/// </summary>
sealed class ApiWarmUp(IServer server, HealthCheckService health, IHostApplicationLifetime lifetime, ILogger<ApiWarmUp> logger) : IHostedService, IHealthCheck
{
    // Counting once the schema is there: readiness waits for the schema anyway, and then for this at most WarmUpHold.Limit.
    readonly WarmUpHold _hold = new("warming the API");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(WarmAsync));
        return Task.CompletedTask;
    }

    async Task WarmAsync()
    {
        try
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("the server reports no address");
            // A wildcard host (http://+:8080, http://[::]:8080) is reached on the loopback.
            var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (uri.Host is "0.0.0.0" or "[::]")
            {
                uri.Host = "localhost";
            }

            await health.WaitForSchemaAsync(within: null, lifetime.ApplicationStopping);

            _hold.StartCounting();
            var watch = Stopwatch.StartNew();
            using var http = new HttpClient { BaseAddress = uri.Uri, Timeout = WarmUpHold.Limit };
            using var response = await http.GetAsync($"api/syncs/{Guid.Empty}", lifetime.ApplicationStopping);
            if ((int)response.StatusCode >= 500)
            {
                logger.LogInformation("API not warmed at start: GET /api/syncs/{{empty uuid}} answered {Status}", (int)response.StatusCode);
                return;
            }

            logger.LogInformation("API warmed in {Elapsed} ms: GET /api/syncs/{{empty uuid}} answered {Status}", watch.ElapsedMilliseconds, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException or UriFormatException)
        {
            logger.LogInformation("API not warmed at start: {Error}", ex.Message);
        }
        finally
        {
            _hold.Done();
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_hold.Check());

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
