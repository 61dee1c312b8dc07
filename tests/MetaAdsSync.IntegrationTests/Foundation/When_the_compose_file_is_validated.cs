using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.IntegrationTests.Foundation;

/// <summary>No Docker engine runs here, so docker-compose.yml is checked offline with Debian's docker-compose.</summary>
public partial class When_the_compose_file_is_validated
{
    static readonly string ComposeFile = Path.Combine(RepoPaths.Root, "docker-compose.yml");

    // The Gateway's key comes from the environment; compose refuses to start without it.
    const string ApiKey = "compose-api-key-0123456789";

    // As the file's header says: docker compose up --scale entity-fetcher=4 --scale insight-fetcher=4.
    static readonly Dictionary<string, int> Replicas = new() { ["entity-fetcher"] = 4, ["insight-fetcher"] = 4 };

    // PostgreSQL's default superuser_reserved_connections: the slots only a superuser may take.
    const int SuperuserReserved = 3;

    [Fact]
    public async Task Should_be_accepted_by_docker_compose()
    {
        var (exitCode, output, errors) = await ComposeConfig(ComposeFile);
        Assert.True(exitCode == 0, errors + output);
    }

    [Fact]
    public async Task Should_not_serve_the_gateway_anonymously_when_no_api_key_is_given()
    {
        var (exitCode, output, errors) = await ComposeConfig(ComposeFile, apiKey: null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("METAADSSYNC_API_KEY", errors + output, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowAnonymous", await File.ReadAllTextAsync(ComposeFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_publish_ports_on_loopback_only()
    {
        var ports = PortLine().Matches(await File.ReadAllTextAsync(ComposeFile)).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(ports);
        Assert.All(ports, port => Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_reject_a_broken_file_so_the_check_can_fail()
    {
        var broken = Path.Combine(RepoPaths.Artifacts("compose"), "broken-compose.yml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(ComposeFile)).Replace("condition: service_healthy", "condition: when_it_feels_like_it"));

        var (exitCode, _, _) = await ComposeConfig(broken);

        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public async Task Should_name_only_dockerfiles_that_exist()
    {
        var dockerfiles = DockerfileLine().Matches(await ResolvedConfig()).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(dockerfiles);
        Assert.All(dockerfiles, path => Assert.True(File.Exists(Path.Combine(RepoPaths.Root, path)), path));
    }

    [Fact]
    public async Task Should_build_each_image_from_a_host_project_that_exists()
    {
        var config = await ResolvedConfig();
        var projects = ProjectArgument().Matches(config).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(BuildSection().Count(config), projects.Count);
        Assert.All(projects, project =>
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "src", project, $"MetaAdsSync.{project}.csproj")), project));
    }

    [Fact]
    public async Task Should_pass_only_build_arguments_the_dockerfile_declares()
    {
        var config = await ResolvedConfig();
        var declared = new HashSet<string>();
        foreach (var dockerfile in DockerfileLine().Matches(config).Select(m => m.Groups[1].Value).Distinct())
        {
            declared.UnionWith(BuildArgumentDeclaration().Matches(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, dockerfile)))
                .Select(m => m.Groups[1].Value));
        }

        var passed = ArgsSection().Matches(config)
            .SelectMany(m => m.Groups["args"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => line.Trim().Split(':')[0])
            .ToList();

        Assert.Contains("PROJECT", declared);
        Assert.NotEmpty(passed);
        Assert.All(passed, name => Assert.Contains(name, declared));
    }

    [Fact]
    public async Task Should_keep_every_hosts_connections_at_four_of_each_fetcher_under_max_connections()
    {
        var (connections, maxConnections) = ConnectionBudgetOf(await ResolvedConfig());

        Assert.True(connections <= maxConnections - SuperuserReserved,
            $"the hosts may hold {connections} connections; PostgreSQL allows {maxConnections}, {SuperuserReserved} of them for superusers");
    }

    [Fact]
    public async Task Should_count_a_fetcher_pool_too_large_for_the_server_so_the_check_can_fail()
    {
        var larger = Path.Combine(RepoPaths.Artifacts("compose"), "pools-compose.yml");
        await File.WriteAllTextAsync(larger, (await File.ReadAllTextAsync(ComposeFile)).Replace("Postgres__MaxPoolSize: \"6\"", "Postgres__MaxPoolSize: \"12\""));

        var (connections, maxConnections) = ConnectionBudgetOf(await ResolvedConfig(larger));

        Assert.True(connections > maxConnections - SuperuserReserved, $"{connections} connections counted against {maxConnections}");
    }

    /// <summary>
    /// What the hosts of a resolved compose file may hold (each host that connects to PostgreSQL: its
    /// <c>Postgres__MaxPoolSize</c>, which it must set, plus its session connection; times its replicas) and the server's
    /// <c>max_connections</c> (set on its command line: postgres:16's default is 100).
    /// </summary>
    static (int Connections, int MaxConnections) ConnectionBudgetOf(string config)
    {
        var services = ServiceBlock().Matches(config).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["body"].Value);
        var connections = 0;
        foreach (var (name, body) in services.Where(s => s.Value.Contains("ConnectionStrings__Postgres:", StringComparison.Ordinal)))
        {
            var pool = PoolSize().Match(body);
            Assert.True(pool.Success, $"{name} connects to PostgreSQL without Postgres__MaxPoolSize");
            connections += (int.Parse(pool.Groups[1].Value, CultureInfo.InvariantCulture) + ConnectionBudget.SessionConnections) * Replicas.GetValueOrDefault(name, 1);
        }

        var max = MaxConnections().Match(services["postgres"]);
        Assert.True(max.Success, "the postgres service sets no max_connections");
        return (connections, int.Parse(max.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The file as docker compose reads it (anchors merged, paths resolved): what a build would be given.</summary>
    static async Task<string> ResolvedConfig(string? file = null)
    {
        var (exitCode, output, errors) = await ComposeConfig(file ?? ComposeFile, quiet: false);
        Assert.True(exitCode == 0, errors);
        return output;
    }

    static async Task<(int ExitCode, string Output, string Errors)> ComposeConfig(string file, bool quiet = true, string? apiKey = ApiKey)
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", file, "config", .. quiet ? new[] { "-q" } : []])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = RepoPaths.Root,
        };
        if (apiKey is null)
        {
            start.Environment.Remove("METAADSSYNC_API_KEY");
        }
        else
        {
            start.Environment["METAADSSYNC_API_KEY"] = apiKey;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker-compose did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    [GeneratedRegex(@"dockerfile:\s*(\S+)")]
    private static partial Regex DockerfileLine();

    /// <summary>An entry of a <c>ports:</c> list: <c>- "host:container"</c>.</summary>
    [GeneratedRegex(@"^\s+-\s+""([^""]+:\d+)""\s*$", RegexOptions.Multiline)]
    private static partial Regex PortLine();

    [GeneratedRegex(@"^\s+build:\s*$", RegexOptions.Multiline)]
    private static partial Regex BuildSection();

    [GeneratedRegex(@"^\s+PROJECT:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ProjectArgument();

    // The lines indented under a build's "args:" key.
    [GeneratedRegex(@"^(?<indent>[ ]+)args:\n(?<args>(?:\k<indent>[ ]+[^\n]+\n)+)", RegexOptions.Multiline)]
    private static partial Regex ArgsSection();

    [GeneratedRegex(@"^ARG\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex BuildArgumentDeclaration();

    /// <summary>A service of the resolved file: its name two spaces in, and every line indented deeper below it.</summary>
    [GeneratedRegex(@"^  (?<name>[a-z][a-z0-9-]*):\n(?<body>(?:(?:    [^\n]*)?\n)+)", RegexOptions.Multiline)]
    private static partial Regex ServiceBlock();

    [GeneratedRegex(@"^\s+Postgres__MaxPoolSize:\s*'?(\d+)'?\s*$", RegexOptions.Multiline)]
    private static partial Regex PoolSize();

    [GeneratedRegex(@"max_connections=(\d+)")]
    private static partial Regex MaxConnections();
}
