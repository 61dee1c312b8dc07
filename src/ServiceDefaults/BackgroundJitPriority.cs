using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;

namespace MetaAdsSync.ServiceDefaults;

/// <summary>
/// Gives the runtime's background JIT (its tiered-compilation thread, recompiling hot code at tier 1) the lowest
/// scheduling priority, so that on a machine whose cores are busy it runs in the gaps the work leaves instead of beside
/// it. A host that has just started recompiles for dozens of syncs; with every host restarted at once on two cores, that
/// background JIT was more than half of the hosts' CPU in the first sync after the restart, and the sync waited for it.
/// </summary>
/// <remarks>
/// The runtime names no priority setting; the thread reports itself in the runtime's tiered-compilation events (each
/// batch of background work starts with one, written on that thread), and Linux sets a nice value per thread. The
/// thread exits when idle and a new one starts with the next work, which reports itself again.
/// </remarks>
public sealed class BackgroundJitPriority : EventListener
{
    const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    const EventKeywords TieredCompilationKeyword = (EventKeywords)0x1000000000;
    const int BackgroundJitStartEvent = 283;
    const int LowestPriority = 19;
    const int ThisThreadOrProcess = 0; // PRIO_PROCESS: with a thread id, Linux applies it to that thread alone

    /// <summary>Starts lowering in this process; null where threads have no nice value of their own (not Linux).</summary>
    public static BackgroundJitPriority? Start() => OperatingSystem.IsLinux() ? new BackgroundJitPriority() : null;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeProvider)
        {
            EnableEvents(eventSource, EventLevel.Informational, TieredCompilationKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != BackgroundJitStartEvent)
        {
            return;
        }

        // Set again at each batch rather than remembered per thread: a few calls a second while it works, and a
        // recycled thread id can never be skipped. Best effort: a thread that has already exited, or a refusal,
        // leaves the runtime as it is.
        _ = SetPriority(ThisThreadOrProcess, (int)eventData.OSThreadId, LowestPriority);
    }

    [DllImport("libc", EntryPoint = "setpriority")]
    static extern int SetPriority(int which, int who, int priority);
}
