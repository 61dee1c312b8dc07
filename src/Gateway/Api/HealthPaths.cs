using Microsoft.OpenApi;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> in the document. They are health-check middleware endpoints (ServiceDefaults),
/// which the API explorer does not see, so they are described here; both are open, never behind a key.
/// </summary>
static class HealthPaths
{
    const string Tag = "Health";

    public static void AddTo(OpenApiDocument document)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = Tag, Description = "Open to every caller: probes for orchestrators and load balancers." });
        document.Paths ??= [];
        document.Paths["/health/live"] = Get(document, "Live", "The process answers.", "Healthy", null);
        document.Paths["/health/ready"] = Get(document, "Ready",
            "Ready for traffic: the broker connected, PostgreSQL reachable with the schema applied. 503 while any of them is not.",
            "A JSON report of every readiness check", "Not ready; the same report says which check failed.");
    }

    static OpenApiPathItem Get(OpenApiDocument document, string name, string summary, string ok, string? unavailable)
    {
        var responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = ok } };
        if (unavailable is not null)
        {
            responses["503"] = new OpenApiResponse { Description = unavailable };
        }

        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "Health" + name,
                    Summary = summary,
                    Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
                    Responses = responses,
                    // Explicitly none: the probes need no key.
                    Security = [],
                },
            },
        };
    }
}
