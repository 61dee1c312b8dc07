using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <summary>
    /// The one place SQL learns the saga's state names: <c>sync_run_status</c> gives each saga row the status of its
    /// current or last run as the API reports it (<c>Running</c>, else the run's outcome), so the Gateway, the watchdog
    /// and the scheduler ask for <c>Running</c> and never name a state. When the machine's states change, a new
    /// migration replaces this view (a test compares it with the machine's states).
    /// </summary>
    public partial class SyncRunStatusView : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIEW sync_run_status AS
                SELECT correlation_id, account_id, run_id,
                       CASE
                           WHEN outcome IS NOT NULL THEN outcome
                           WHEN current_state IN ('FetchingEntities', 'FetchingInsights') THEN 'Running'
                       END AS status
                  FROM account_syncs;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP VIEW sync_run_status;");
        }
    }
}
