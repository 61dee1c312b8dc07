using System.ComponentModel.DataAnnotations;

namespace MetaAdsSync.Orchestrator.Saga;

/// <summary>The saga's part of <c>Sync:*</c> (the fetchers bind the rest of that section).</summary>
public sealed class SagaOptions
{
    public const string Section = "Sync";

    /// <summary>A level whose insights for the preset were read completely more recently than this is not read again unless the sync is forced.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Sync:InsightMaxAge must be between 0 and 7 days.")]
    public TimeSpan InsightMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Daily rows per entity for the last this many days of the account's calendar, today included, re-read by every
    /// run (Meta restates days for its attribution window, up to 28 days); 0 turns daily rows off.
    /// </summary>
    [Range(0, 400, ErrorMessage = "Sync:DailyInsightDays must be between 0 (off) and 400.")]
    public int DailyInsightDays { get; set; } = 28;

    /// <summary>
    /// An entity level read completely more recently than this is answered from PostgreSQL by the EntityFetcher (which
    /// binds the same setting), so the planner reads it whole: a replay costs no call and needs no partitions.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Sync:EntityMaxAge must be between 0 and 7 days.")]
    public TimeSpan EntityMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A level read completely (every page, every partition) longer ago than this is read fully again; in between, a
    /// level is read incrementally, only what Meta changed since the last read. Removals are found only by full reads.
    /// 0 makes every read full (incremental reads off).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00", ErrorMessage = "Sync:FullReadEvery must be between 0 (every read full) and 30 days.")]
    public TimeSpan FullReadEvery { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// An incremental read asks for objects whose <c>updated_time</c> is after the start of the last run that read the
    /// level, less this: room for Meta's clock and for changes whose <c>updated_time</c> lands a little before they show.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Sync:IncrementalMargin must be between 0 and 1 day.")]
    public TimeSpan IncrementalMargin { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Rows a partition aims at: one page of the fetchers (their <c>Meta:*PageSize</c>) unless Meta made them learn a
    /// smaller one for the account (<c>page_limits</c>), which the planner then uses.
    /// </summary>
    [Range(1, 5000, ErrorMessage = "Sync:PartitionSize must be between 1 and 5000.")]
    public int PartitionSize { get; set; } = 500;

    /// <summary>
    /// Campaign ids one partition's filter may name: a Graph URL stays under ~8 KB. Only a run that replays campaigns from
    /// PostgreSQL asks for a remainder naming every known campaign: with more than this, its levels are read whole.
    /// </summary>
    [Range(1, 300, ErrorMessage = "Sync:PartitionMaxIds must be between 1 and 300.")]
    public int PartitionMaxIds { get; set; } = 200;

    /// <summary>
    /// A first sync (no shape known) reads the ads level by campaign once its campaign read names them: at most this many
    /// partitions per campaign page, and never more than the account's allowed concurrency at the rate gate. 1 reads the
    /// ads level whole from the start, as a sequential read.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Sync:FirstSyncMaxPartitions must be between 1 and 256.")]
    public int FirstSyncMaxPartitions { get; set; } = 16;

    /// <summary>A run with no progress for this long gets its outstanding commands sent again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Sync:StallAfter must be between 1 s and 1 h.")]
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(30);

    [Range(0, 100, ErrorMessage = "Sync:MaxRedrives must be between 0 and 100.")]
    public int MaxRedrives { get; set; } = 3;

    /// <summary>A run older than this ends as TimedOut.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00", ErrorMessage = "Sync:RunTimeout must be between 5 s and 1 day.")]
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the watchdog looks for stalled runs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Sync:WatchdogInterval must be between 100 ms and 10 min.")]
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A run's progress event (<c>SyncProgressed</c>: the live event streams, the dashboard) goes out at most this often;
    /// what is recorded in between rides on the next one, and the run's end is its outcome event. Every page and insight
    /// answer used to publish one: a broker round trip per saga event, most of them for no one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Sync:ProgressInterval must be between 0 (every recorded event) and 1 min.")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Messages the saga endpoint handles at once in this process (partitioned per account).</summary>
    [Range(1, 256, ErrorMessage = "Sync:SagaConcurrency must be between 1 and 256.")]
    public int SagaConcurrency { get; set; } = 16;
}
