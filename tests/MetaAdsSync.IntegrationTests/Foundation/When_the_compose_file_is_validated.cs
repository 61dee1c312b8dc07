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
        var (exitCode, output) = await ComposeConfig(ComposeFile);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Should_reject_a_broken_file_so_the_check_can_fail()
    {
        var broken = Path.Combine(RepoPaths.Artifacts("compose"), "broken-compose.yml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(ComposeFile)).Replace("condition: service_healthy", "condition: when_it_feels_like_it"));

        var (exitCode, _) = await ComposeConfig(broken);

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

    static async Task<(int ExitCode, string Output)> ComposeConfig(string file)
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", file, "config", "-q"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = RepoPaths.Root,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker-compose did not start");
        var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [GeneratedRegex(@"dockerfile:\s*(\S+)")]
    private static partial Regex DockerfileLine();
}
