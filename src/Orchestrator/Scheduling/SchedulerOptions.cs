using System.ComponentModel.DataAnnotations;
using MetaAdsSync.Contracts;

namespace MetaAdsSync.Orchestrator.Scheduling;

/// <summary><c>Scheduler:*</c>: the seed's recommended hybrid — manual syncs first, a sweep of stale accounts as the fallback.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Scheduler:Interval must be between 1 s and 7 days.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00", ErrorMessage = "Scheduler:StaleAfter must be between 0 and 30 days.")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(3);

    [Range(1, 1000, ErrorMessage = "Scheduler:MaxAccountsPerSweep must be between 1 and 1000.")]
    public int MaxAccountsPerSweep { get; set; } = 3;

    /// <summary>Pause between two requested syncs of one sweep, to spread the load on Meta.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Scheduler:Spacing must be between 0 and 10 min.")]
    public TimeSpan Spacing { get; set; } = TimeSpan.FromSeconds(5);

    [Required(AllowEmptyStrings = false, ErrorMessage = "Scheduler:DatePreset is required.")]
    public string DatePreset { get; set; } = SyncAccountRequested.DefaultDatePreset;
}
