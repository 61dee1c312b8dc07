using MetaAdsSync.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace MetaAdsSync.Storage;

/// <summary>The PostgreSQL copy of Meta's ads data and the sync history. Tables and columns are snake_case.</summary>
public class SyncDbContext(DbContextOptions<SyncDbContext> options) : DbContext(options)
{
    public DbSet<AdAccount> AdAccounts => Set<AdAccount>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<AdSet> AdSets => Set<AdSet>();
    public DbSet<Ad> Ads => Set<Ad>();
    public DbSet<AdCreative> AdCreatives => Set<AdCreative>();
    public DbSet<Insight> Insights => Set<Insight>();
    public DbSet<DailyInsight> DailyInsights => Set<DailyInsight>();
    public DbSet<SyncRun> SyncRuns => Set<SyncRun>();
    public DbSet<AccountSyncState> AccountSyncs => Set<AccountSyncState>();
    public DbSet<EntitySyncMark> EntitySyncMarks => Set<EntitySyncMark>();
    public DbSet<RateGateKey> RateGateKeys => Set<RateGateKey>();
    public DbSet<PageLimit> PageLimits => Set<PageLimit>();
    public DbSet<ApiRequestWindow> ApiRequestWindows => Set<ApiRequestWindow>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AdAccount>(e =>
        {
            e.ToTable("ad_accounts");
            e.HasKey(a => a.Id);
            e.HasIndex(a => a.LastSyncedAt);
            e.Property(a => a.Accessible).HasDefaultValue(true);
            e.Property(a => a.LastErrorDetail).HasColumnType("jsonb");
        });

        modelBuilder.Entity<Campaign>(e =>
        {
            e.ToTable("campaigns");
            MapAdEntity(e);
        });

        modelBuilder.Entity<AdSet>(e =>
        {
            e.ToTable("ad_sets");
            MapAdEntity(e);
            e.HasIndex(a => a.CampaignId);
            LiveByCampaign(e.HasIndex(a => new { a.AccountId, a.CampaignId, a.EffectiveStatus }));
        });

        modelBuilder.Entity<Ad>(e =>
        {
            e.ToTable("ads");
            MapAdEntity(e);
            e.Ignore(a => a.Creative);
            // A hash of the creative as received (EntityUpserts.CreativeHash): the upsert writes ad_creatives only when it
            // differs. Null for no creative, and for rows migrated from the column, whose next sync rewrites the creative once.
            e.Property<long?>("CreativeHash");
            e.HasIndex(a => a.AdSetId);
            LiveByCampaign(e.HasIndex(a => new { a.AccountId, a.CampaignId, a.EffectiveStatus }));
        });

        modelBuilder.Entity<AdCreative>(e =>
        {
            e.ToTable("ad_creatives");
            e.HasKey(c => c.AdId);
            e.Property(c => c.Creative).HasColumnType("jsonb");
            e.HasOne<Ad>().WithOne().HasForeignKey<AdCreative>(c => c.AdId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Insight>(e =>
        {
            e.ToTable("insights");
            e.HasKey(i => i.Id);
            e.Property(i => i.Actions).HasColumnType("jsonb");
            e.HasIndex(i => new { i.Level, i.EntityId, i.DatePreset, i.DateStart, i.DateStop }).IsUnique();
            e.HasIndex(i => new { i.AccountId, i.Level, i.DatePreset });
            e.Property(i => i.RunStartedAt).HasDefaultValueSql(UnknownRunStart);
            e.HasStorageParameter("fillfactor", RewrittenEveryRunFillFactor);
        });

        modelBuilder.Entity<DailyInsight>(e =>
        {
            e.ToTable("daily_insights");
            e.HasKey(i => new { i.AccountId, i.Level, i.EntityId, i.Date });
            e.Property(i => i.RunStartedAt).HasDefaultValueSql(UnknownRunStart);
            e.Property(i => i.Actions).HasColumnType("jsonb");
            // The account's daily totals: every entity of a level, day by day.
            e.HasIndex(i => new { i.AccountId, i.Level, i.Date });
        });

        modelBuilder.ApplyConfiguration(new AccountSyncStateMap());

        modelBuilder.Entity<EntitySyncMark>(e =>
        {
            e.ToTable("entity_sync_marks");
            e.HasKey(m => new { m.AccountId, m.Level });
            e.Property(m => m.RunStartedAt).HasDefaultValueSql(UnknownRunStart);
        });

        modelBuilder.Entity<PageLimit>(e =>
        {
            e.ToTable("page_limits");
            e.HasKey(l => new { l.AccountId, l.Edge });
            e.Property(l => l.Limit).HasColumnName("page_limit");
        });

        modelBuilder.Entity<ApiRequestWindow>(e =>
        {
            e.ToTable("api_request_windows");
            e.HasKey(w => w.Partition);
            // Old windows are pruned by age.
            e.HasIndex(w => w.WindowStartedAt);
        });

        modelBuilder.Entity<Webhook>(e =>
        {
            e.ToTable("webhooks");
            e.HasKey(w => w.Id);
            e.HasIndex(w => w.OwnerKey);
        });

        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(d => d.Id);
            e.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
            // An event recorded twice (a redelivered message) owes each webhook one delivery.
            e.HasIndex(d => new { d.WebhookId, d.EventKey, d.Event }).IsUnique();
            // The sender's question: which pending deliveries are due?
            e.HasIndex(d => new { d.Status, d.NextAttemptAt });
        });

        modelBuilder.Entity<RateGateKey>(e =>
        {
            e.ToTable("rate_gate");
            e.HasKey(k => k.Key);
            e.Property(k => k.UseCase).HasMaxLength(32);
            e.Property(k => k.Leases).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
            e.Property(k => k.Slices).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        });

        modelBuilder.Entity<SyncRun>(e =>
        {
            e.ToTable("sync_runs");
            e.HasKey(r => r.RunId);
            e.Property(r => r.Plan).HasColumnType("jsonb");
            e.HasIndex(r => new { r.AccountId, r.StartedAt });
            e.HasIndex(r => r.StartedAt);
            e.Property(r => r.ErrorDetail).HasColumnType("jsonb");
        });
    }

    /// <summary>
    /// Entity and insight rows are rewritten by every run that reads them (<c>last_run_id</c> says which run saw them: the
    /// removal marks depend on it), with no indexed column changed. Pages half full let each rewrite stay on its page as a
    /// HOT update: no new entry in any of the table's indexes, a fraction of the WAL, and the dead version pruned by the next
    /// visit. Packed full (PostgreSQL's 100), nearly every rewrite moved to another page and added a row to every index.
    /// </summary>
    const int RewrittenEveryRunFillFactor = 50;

    /// <summary>Rows written before runs carried their start: older than any run, so the next run's write wins.</summary>
    const string UnknownRunStart = "'-infinity'::timestamptz";

    /// <summary>
    /// The planner's account shape (<c>PostgresAccountShapes</c>) counts an account's live ad sets and ads, and the eligible
    /// ones, per campaign at the start of every run. From the rows that read every heap page holding one: an ad was ~1.2 kB
    /// (its creative, since moved to <c>ad_creatives</c>) and three of them shared a page at fillfactor 50, about 8 ms of PostgreSQL CPU an account of ~870 ads.
    /// This index answers it by an index-only scan (0.8 ms) wherever the pages are all-visible (vacuumed since the rows were
    /// last written); its columns do not change when a run rewrites an unchanged row, so that rewrite stays a HOT update.
    /// </summary>
    static void LiveByCampaign(Microsoft.EntityFrameworkCore.Metadata.Builders.IndexBuilder index) => index.HasFilter("removed_at IS NULL");

    // Entity reads are "this account's ads with this status", keyset-paged by id.
    static void MapAdEntity<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e) where T : AdEntity
    {
        e.HasKey(x => x.Id);
        e.Property(x => x.RunStartedAt).HasDefaultValueSql(UnknownRunStart);
        e.HasStorageParameter("fillfactor", RewrittenEveryRunFillFactor);
        e.HasIndex(x => new { x.AccountId, x.Id });
        e.HasIndex(x => new { x.AccountId, x.EffectiveStatus });
        // RemovedObjects.WithoutReasonAsync runs at every complete read of a level: without it PostgreSQL read the
        // account's (or the table's) rows to find the few removed ones still without a reason (24 ms a call on ads, by
        // pg_stat_statements in bench scale).
        e.HasIndex(x => new { x.AccountId, x.RemovedAt, x.Id })
            .HasFilter("removed_at IS NOT NULL AND removed_reason IS NULL");
    }
}
