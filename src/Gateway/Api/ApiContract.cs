using System.Reflection;
using System.Text.Json.Serialization;
using MetaAdsSync.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace MetaAdsSync.Gateway.Api;

/// <summary>
/// The API's contract: <c>/openapi/v1.json</c> (typed bodies, every status with its schema, the API-key scheme on the
/// endpoints that need it) and its reference page at <c>/scalar/</c>, whose assets come from the Scalar package itself.
/// The same document is written at build time (Microsoft.Extensions.ApiDescription.Server), and the tests' C# client is
/// generated from that file by every build, so client and code cannot drift apart.
/// </summary>
public static class ApiContract
{
    public const string DocumentUrl = "/openapi/v1.json";
    public const string ApiKeyScheme = "ApiKey";
    public const string BearerScheme = "Bearer";
    public const string CronScheme = "CronSecret";

    /// <summary>
    /// True while the build writes the document: GetDocument.Insider runs this entry point with a server that serves
    /// nothing. The host then needs its endpoints and services but must start nothing that reaches RabbitMQ or
    /// PostgreSQL, and its settings need not be those of a real deployment (a fresh clone has no keys).
    /// </summary>
    public static bool IsBuildTimeGeneration { get; } = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static WebApplicationBuilder AddApiContract(this WebApplicationBuilder builder)
    {
        // The web defaults read numbers from strings too, which the document would declare as "integer or string" (and
        // generators turn into wrapper types). The API writes numbers as numbers and reads its bodies by hand, so the
        // strict rule changes nothing on the wire and makes every count an integer in the contract.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        // OpenAPI 3.0 rather than 3.1: every generator reads it (NSwag among them), and the document says the same.
        builder.Services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(RequireKeys);
            options.AddOperationTransformer(DescribeBody);
        });
        if (IsBuildTimeGeneration)
        {
            builder.Services.RemoveAll<IHostedService>();
            builder.Services.RemoveAll<Microsoft.Extensions.Options.IStartupValidator>();
        }

        return builder;
    }

    /// <summary>
    /// Declares a JSON body the endpoint reads by hand (so that every refusal names its field). Not <c>Accepts&lt;T&gt;</c>:
    /// that metadata also steers routing, which would answer a wrong Content-Type 415 before the endpoint could say why.
    /// </summary>
    public static RouteHandlerBuilder DescribesJsonBody<T>(this RouteHandlerBuilder endpoint, bool required) =>
        endpoint.WithMetadata(new JsonBodyMetadata(typeof(T), required));

    public static WebApplication MapApiContract(this WebApplication app)
    {
        app.MapOpenApi(DocumentUrl);
        app.MapScalarApiReference(options => options
            .WithTitle("MetaAdsSync API")
            .WithOpenApiRoutePattern(DocumentUrl)
            // The page's script is served from the package; nothing else may be fetched from anywhere.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            // Scalar's own toolbar (links to its services) is for its developers, not this API's users.
            .HideDeveloperTools()
            .AddPreferredSecuritySchemes(ApiKeyScheme));
        return app;
    }

    static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "MetaAdsSync Gateway",
            Version = "v1",
            Description = """
                Keeps a PostgreSQL copy of Meta Ads data fresh, one ad account at a time. Request a sync, follow it as
                server-sent events or receive its signed webhook, read the account's entities. Every error is
                application/problem+json; a refusal of bad input names the field at fault (`field`).
                """,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiCredentials.ApiKeyHeader,
            Description = "One of Gateway:ApiKeys. The same key may be sent as Authorization: Bearer instead.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "One of Gateway:ApiKeys as a bearer token (the same key X-Api-Key carries).",
        };
        document.Components.SecuritySchemes[CronScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Cron:Secret, for the stale-account sweep only.",
        };
        HealthPaths.AddTo(document);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Endpoints behind authorization take an API key, in either header; the cron sweep takes its own secret. Everything
    /// else (health, the document, the page) is open.
    /// </summary>
    static Task RequireKeys(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<CronSecretMetadata>().Any())
        {
            operation.Security = [Requirement(context.Document, CronScheme)];
            return Task.CompletedTask;
        }

        if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Security = [Requirement(context.Document, ApiKeyScheme), Requirement(context.Document, BearerScheme)];
        return Task.CompletedTask;
    }

    static async Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is not { } body || context.Document is null)
        {
            return;
        }

        var name = body.Type.Name;
        context.Document.AddComponent(name, await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken));
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Required,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, context.Document) } },
        };
    }

    static OpenApiSecurityRequirement Requirement(OpenApiDocument? document, string scheme) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };
}

sealed record JsonBodyMetadata(Type Type, bool Required);
