using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ad_accounts",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: true),
                    timezone = table.Column<string>(type: "text", nullable: true),
                    account_status = table.Column<int>(type: "integer", nullable: true),
                    refreshed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_synced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_sync_status = table.Column<string>(type: "text", nullable: true),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ad_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ad_sets",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    campaign_id = table.Column<string>(type: "text", nullable: true),
                    daily_budget = table.Column<long>(type: "bigint", nullable: true),
                    lifetime_budget = table.Column<long>(type: "bigint", nullable: true),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: true),
                    effective_status = table.Column<string>(type: "text", nullable: true),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    synced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ad_sets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ads",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    campaign_id = table.Column<string>(type: "text", nullable: true),
                    ad_set_id = table.Column<string>(type: "text", nullable: true),
                    creative = table.Column<string>(type: "jsonb", nullable: true),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: true),
                    effective_status = table.Column<string>(type: "text", nullable: true),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    synced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ads", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    objective = table.Column<string>(type: "text", nullable: true),
                    daily_budget = table.Column<long>(type: "bigint", nullable: true),
                    lifetime_budget = table.Column<long>(type: "bigint", nullable: true),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: true),
                    effective_status = table.Column<string>(type: "text", nullable: true),
                    created_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    synced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigns", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "insights",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    level = table.Column<string>(type: "text", nullable: false),
                    entity_id = table.Column<string>(type: "text", nullable: false),
                    date_preset = table.Column<string>(type: "text", nullable: false),
                    date_start = table.Column<DateOnly>(type: "date", nullable: false),
                    date_stop = table.Column<DateOnly>(type: "date", nullable: false),
                    impressions = table.Column<long>(type: "bigint", nullable: true),
                    reach = table.Column<long>(type: "bigint", nullable: true),
                    clicks = table.Column<long>(type: "bigint", nullable: true),
                    spend = table.Column<decimal>(type: "numeric", nullable: true),
                    ctr = table.Column<decimal>(type: "numeric", nullable: true),
                    cpc = table.Column<decimal>(type: "numeric", nullable: true),
                    cpm = table.Column<decimal>(type: "numeric", nullable: true),
                    frequency = table.Column<decimal>(type: "numeric", nullable: true),
                    actions = table.Column<string>(type: "jsonb", nullable: true),
                    fetched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_insights", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "sync_runs",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "text", nullable: false),
                    date_preset = table.Column<string>(type: "text", nullable: false),
                    force = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    duration_ms = table.Column<long>(type: "bigint", nullable: false),
                    campaigns = table.Column<int>(type: "integer", nullable: false),
                    ad_sets = table.Column<int>(type: "integer", nullable: false),
                    ads = table.Column<int>(type: "integer", nullable: false),
                    eligible = table.Column<int>(type: "integer", nullable: false),
                    insight_batches = table.Column<int>(type: "integer", nullable: false),
                    insight_batches_succeeded = table.Column<int>(type: "integer", nullable: false),
                    insight_batches_failed = table.Column<int>(type: "integer", nullable: false),
                    graph_calls = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sync_runs", x => x.run_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ad_accounts_last_synced_at",
                table: "ad_accounts",
                column: "last_synced_at");

            migrationBuilder.CreateIndex(
                name: "ix_ad_sets_account_id_effective_status",
                table: "ad_sets",
                columns: new[] { "account_id", "effective_status" });

            migrationBuilder.CreateIndex(
                name: "ix_ad_sets_account_id_id",
                table: "ad_sets",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ad_sets_campaign_id",
                table: "ad_sets",
                column: "campaign_id");

            migrationBuilder.CreateIndex(
                name: "ix_ads_account_id_effective_status",
                table: "ads",
                columns: new[] { "account_id", "effective_status" });

            migrationBuilder.CreateIndex(
                name: "ix_ads_account_id_id",
                table: "ads",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ads_ad_set_id",
                table: "ads",
                column: "ad_set_id");

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_account_id_effective_status",
                table: "campaigns",
                columns: new[] { "account_id", "effective_status" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_account_id_id",
                table: "campaigns",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_insights_account_id_level_date_preset",
                table: "insights",
                columns: new[] { "account_id", "level", "date_preset" });

            migrationBuilder.CreateIndex(
                name: "ix_insights_level_entity_id_date_preset_date_start_date_stop",
                table: "insights",
                columns: new[] { "level", "entity_id", "date_preset", "date_start", "date_stop" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sync_runs_account_id_started_at",
                table: "sync_runs",
                columns: new[] { "account_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sync_runs_started_at",
                table: "sync_runs",
                column: "started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ad_accounts");

            migrationBuilder.DropTable(
                name: "ad_sets");

            migrationBuilder.DropTable(
                name: "ads");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "insights");

            migrationBuilder.DropTable(
                name: "sync_runs");
        }
    }
}
