namespace MetaAdsSync.TestSupport;

/// <summary>
/// Where the tests find RabbitMQ and PostgreSQL. <c>METAADSSYNC_TEST_SERVICES</c> forces one way:
/// <c>local</c> (the servers of scripts/services.sh) or <c>containers</c> (Testcontainers); unset, containers are
/// tried and the local servers used when no Docker engine answers.
/// </summary>
public static class ServiceMode
{
    public static string? Forced => Environment.GetEnvironmentVariable("METAADSSYNC_TEST_SERVICES") switch
    {
        null or "" or "auto" => null,
        "local" => "local",
        "containers" => "containers",
        var other => throw new InvalidOperationException($"METAADSSYNC_TEST_SERVICES must be local, containers or auto, not '{other}'."),
    };

    public static int LocalPort(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var port) ? port : fallback;
}
