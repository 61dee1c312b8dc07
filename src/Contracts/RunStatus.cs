namespace MetaAdsSync.Contracts;

/// <summary>
/// A run's status as the API reports it: <see cref="Running"/> while it runs, then its <see cref="SyncOutcome"/>. The
/// saga's own states map onto it in one place, the <c>sync_run_status</c> view, so they can change without the API.
/// </summary>
public static class RunStatus
{
    public const string Running = "Running";

    public static readonly IReadOnlyList<string> All = [Running, .. Enum.GetNames<SyncOutcome>()];
}
