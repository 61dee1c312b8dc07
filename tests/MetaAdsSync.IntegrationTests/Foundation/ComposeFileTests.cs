using System.Diagnostics;
using System.Text.RegularExpressions;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.IntegrationTests.Foundation;

/// <summary>No Docker engine runs here, so docker-compose.yml is checked offline with Debian's docker-compose.</summary>
public partial class When_the_compose_file_is_validated
{
    static readonly string ComposeFile = Path.Combine(RepoPaths.Root, "docker-compose.yml");

    [Fact]
    public async Task Should_be_accepted_by_docker_compose()
    {
        var (exitCode, output) = await ComposeConfig(ComposeFile, apiKey: "compose-api-key-0123456789");
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Should_not_serve_the_gateway_anonymously_when_no_api_key_is_given()
    {
        var (exitCode, output) = await ComposeConfig(ComposeFile, apiKey: null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("METAADSSYNC_API_KEY", output, StringComparison.Ordinal);
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

        var (exitCode, _) = await ComposeConfig(broken, apiKey: "compose-api-key-0123456789");

        Assert.NotEqual(0, exitCode);
    }

    [Fact]
    public async Task Should_name_only_dockerfiles_that_exist()
    {
        var text = await File.ReadAllTextAsync(ComposeFile);
        var dockerfiles = DockerfileLine().Matches(text).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(dockerfiles);
        Assert.All(dockerfiles, path => Assert.True(File.Exists(Path.Combine(RepoPaths.Root, path)), path));
    }

    static async Task<(int ExitCode, string Output)> ComposeConfig(string file, string? apiKey)
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", file, "config", "-q"])
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
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [GeneratedRegex(@"dockerfile:\s*(\S+)")]
    private static partial Regex DockerfileLine();

    /// <summary>An entry of a <c>ports:</c> list: <c>- "host:container"</c>.</summary>
    [GeneratedRegex(@"^\s+-\s+""([^""]+:\d+)""\s*$", RegexOptions.Multiline)]
    private static partial Regex PortLine();
}
