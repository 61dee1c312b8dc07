using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphApi;

public static class GraphApiRegistration
{
    /// <summary>
    /// The Graph client from <c>Meta:*</c> and <c>RateGate:*</c> (validated at start), over IHttpClientFactory, with the
    /// per-process rate gate and page-size memory unless another <see cref="IRateGate"/> or <see cref="IPageSizeMemory"/>
    /// is registered first. The system clock unless the host registered one (the bare client in tests and the bench).
    /// </summary>
    public static IServiceCollection AddMetaGraphApi(this IServiceCollection services)
    {
        services.AddOptions<MetaOptions>()
            .BindConfiguration(MetaOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RateGateOptions>()
            .BindConfiguration(RateGateOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateGateOptions>, MovedSettings>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRateGate, InProcessRateGate>();
        services.TryAddSingleton<IPageSizeMemory, PageSizeMemory>();
        services.TryAddSingleton<GraphTransport>();
        services.TryAddSingleton<IMetaGraphClient, MetaGraphClient>();
        // The per-attempt timeout is the pipeline's; HttpClient's own would cut across retries.
        services.AddHttpClient(GraphTransport.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
