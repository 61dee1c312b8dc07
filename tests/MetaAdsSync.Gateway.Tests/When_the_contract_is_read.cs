using System.Text.Json;

namespace MetaAdsSync.Gateway.Tests;

/// <summary>
/// The OpenAPI document the Gateway's build wrote, as the generated client (tests/MetaAdsSync.ApiClient) was made from it:
/// read as JSON, no hosts.
/// </summary>
public class When_the_contract_is_read
{
    static readonly JsonElement Document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "openapi", "MetaAdsSync.Gateway.json"))).RootElement;

    static JsonElement Operation(string path, string method) => Document.GetProperty("paths").GetProperty(path).GetProperty(method);

    static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        from path in Document.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        select (path.Name, method.Name, method.Value);

    static JsonElement Schema(JsonElement reference)
    {
        var name = reference.GetProperty("$ref").GetString()!.Split('/')[^1];
        return Document.GetProperty("components").GetProperty("schemas").GetProperty(name);
    }

    [Fact]
    public void Should_type_the_sync_requests_body()
    {
        var body = Operation("/api/meta-ads/sync", "post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");

        var properties = Schema(body).GetProperty("properties");
        Assert.Equal(["accountId", "datePreset", "force"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal("boolean", properties.GetProperty("force").GetProperty("type").GetString());
        Assert.Equal("^(all|act_[0-9]{1,20})$", properties.GetProperty("accountId").GetProperty("pattern").GetString());
    }

    [Fact]
    public void Should_declare_every_answer_of_the_sync_request_with_its_schema()
    {
        var responses = Operation("/api/meta-ads/sync", "post").GetProperty("responses");

        var accepted = Schema(responses.GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.Equal("string", accepted.GetProperty("properties").GetProperty("syncId").GetProperty("type").GetString());
        Assert.Equal("uuid", accepted.GetProperty("properties").GetProperty("syncId").GetProperty("format").GetString());
        foreach (var status in new[] { "400", "401", "404", "409", "429", "503" })
        {
            var problem = responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
            Assert.Equal("#/components/schemas/ProblemDetails", problem.GetProperty("$ref").GetString());
        }

        Assert.Contains("detail", Document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Should_declare_the_api_key_scheme_in_both_headers_and_require_it_of_the_api()
    {
        var schemes = Document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(("apiKey", "header", "X-Api-Key"),
            (schemes.GetProperty("ApiKey").GetProperty("type").GetString(), schemes.GetProperty("ApiKey").GetProperty("in").GetString(), schemes.GetProperty("ApiKey").GetProperty("name").GetString()));
        Assert.Equal(("http", "bearer"), (schemes.GetProperty("Bearer").GetProperty("type").GetString(), schemes.GetProperty("Bearer").GetProperty("scheme").GetString()));

        foreach (var (path, method, operation) in Operations())
        {
            var security = operation.TryGetProperty("security", out var s) ? s.EnumerateArray().Select(r => string.Join("+", r.EnumerateObject().Select(p => p.Name))).ToList() : null;
            var expected = path.StartsWith("/health/", StringComparison.Ordinal) ? []
                : path == "/api/cron/sync-stale-accounts" ? ["CronSecret"]
                : new List<string> { "ApiKey", "Bearer" };
            Assert.True(security is not null && security.SequenceEqual(expected), $"{method} {path}: security [{string.Join(", ", security ?? [])}]");
        }
    }

    [Fact]
    public void Should_describe_every_operation_with_an_id_a_summary_a_tag_and_typed_answers()
    {
        var operations = Operations().ToList();
        Assert.True(operations.Count >= 16, $"{operations.Count} operations");
        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());

        foreach (var (path, method, operation) in operations)
        {
            var at = $"{method} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), at);
            Assert.NotEmpty(operation.GetProperty("tags").EnumerateArray());
            var success = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
            Assert.NotEmpty(success);
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                Assert.All(success.Where(r => r.Name != "204"), r => Assert.True(r.Value.TryGetProperty("content", out var content) && content.EnumerateObject().All(c => c.Value.TryGetProperty("schema", out _)),
                    $"{at}: {r.Name} has no schema"));
                Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{at}: no 401");
            }
        }
    }
}
