using System.ComponentModel.DataAnnotations;
using System.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// The runtime's multi-core JIT (<see cref="ProfileOptimization"/>): a host records the methods it compiles in the first
/// minute after it has started (its warm-ups done: its first syncs) and, when it starts again, compiles them on a
/// background thread as soon as it has started, instead of on the threads of the first sync that needs them. ReadyToRun
/// cannot hold most of them (generic code of the framework over other assemblies' value types: async state machines
/// above all). A profile of an older build is harmless: the runtime plays back only methods of assemblies whose version
/// id still matches.
/// </summary>
/// <remarks>
/// Each process records into a file of its own and then replaces its host's profile with it in one rename, so instances
/// of a host started together (scaled-out fetchers) never write one file at once; a process stopped or killed before it
/// saved leaves the last profile in place.
/// </remarks>
public sealed class JitProfile(string hostPath, string processPath, TimeSpan recordFor)
{
    /// <summary>Where profiles are kept unless <c>JitProfile:Directory</c> says otherwise.</summary>
    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "metaadssync-jit");

    /// <summary>How long the process records before it saves.</summary>
    public TimeSpan RecordFor { get; } = recordFor;

    /// <summary>
    /// <paramref name="host"/>'s profile per <c>JitProfile:*</c> (a value out of range stops the host's start with its
    /// name); null when profiles are off or their directory cannot be written: the host then runs as it would without.
    /// </summary>
    public static JitProfile? For(IConfiguration configuration, string host)
    {
        var options = configuration.GetSection(JitProfileOptions.Section).Get<JitProfileOptions>() ?? new JitProfileOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var directory = options.Directory ?? DefaultDirectory;
        if (directory.Length == 0)
        {
            return null;
        }

        var hostPath = Path.Combine(directory, $"{host}.jitprofile");
        var processPath = Path.Combine(directory, $"{host}.{Environment.ProcessId}.jitprofile");
        try
        {
            Directory.CreateDirectory(directory);
            RemoveLeftovers(directory, host);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return new JitProfile(hostPath, processPath, options.RecordFor);
    }

    /// <summary>
    /// Plays back the profile and starts recording. Called once the host has started (its warm-ups ran): a profile
    /// holds at most 16,384 methods, loads of precompiled ones included, and start-up alone fills that.
    /// </summary>
    /// <returns>The bytes of the profile played back (0: none).</returns>
    public long Record()
    {
        long playedBack = 0;
        try
        {
            if (File.Exists(hostPath))
            {
                File.Copy(hostPath, processPath, overwrite: true);
                // Newer than any leftover, so that an instance starting beside this one leaves it alone.
                File.SetLastWriteTimeUtc(processPath, DateTime.UtcNow);
                playedBack = new FileInfo(processPath).Length;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to play back: this process still records.
        }

        ProfileOptimization.SetProfileRoot(Path.GetDirectoryName(processPath)!);
        ProfileOptimization.StartProfile(Path.GetFileName(processPath));
        return playedBack;
    }

    /// <summary>Stops recording and makes what was recorded the host's profile; returns its size in bytes.</summary>
    public long Save()
    {
        // Starting no profile stops the current one, which writes it out.
        ProfileOptimization.StartProfile(null);
        var size = new FileInfo(processPath).Length;
        File.Move(processPath, hostPath, overwrite: true);
        return size;
    }

    // Files of processes killed before they saved theirs (the fault bench kills a fetcher every 15 s).
    static void RemoveLeftovers(string directory, string host)
    {
        foreach (var file in Directory.EnumerateFiles(directory, $"{host}.*.jitprofile"))
        {
            if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow - TimeSpan.FromMinutes(10))
            {
                File.Delete(file);
            }
        }
    }
}

/// <summary>Starts the host's <see cref="JitProfile"/> once the host has started, saves it once it has recorded for its time, and says so.</summary>
public sealed class JitProfileRecorder(JitProfile profile, IHostApplicationLifetime lifetime, ILogger<JitProfileRecorder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.StartedAsync(stoppingToken))
        {
            return;
        }

        logger.LogInformation("JIT profile: played back {Bytes} bytes at start; recording for {RecordFor}", profile.Record(), profile.RecordFor);
        try
        {
            await Task.Delay(profile.RecordFor, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped early: a shorter recording would replace a fuller one.
            return;
        }

        try
        {
            logger.LogInformation("JIT profile saved: {Bytes} bytes", profile.Save());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogInformation("JIT profile not saved: {Error}", ex.Message);
        }
    }
}
