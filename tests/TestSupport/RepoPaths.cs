using System.Reflection;

namespace MetaAdsSync.TestSupport;

/// <summary>Finds the repository and the built hosts, in the configuration the tests were built in.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The output folder of <c>src/{project}</c>, e.g. <c>HostDirectory("Gateway")</c>.</summary>
    public static string HostDirectory(string project) =>
        Path.Combine(Root, "src", project, "bin", Configuration, "net10.0");

    public static string HostAssembly(string project) =>
        Path.Combine(HostDirectory(project), $"MetaAdsSync.{project}.dll");

    /// <summary>A git-ignored folder for what tests leave behind (host logs, screenshots).</summary>
    public static string Artifacts(string name)
    {
        var path = Path.Combine(Root, ".local", "test-artifacts", name);
        Directory.CreateDirectory(path);
        return path;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MetaAdsSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MetaAdsSync.sln not found above " + AppContext.BaseDirectory);
    }
}
