using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class DailyInsights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "daily_levels_read",
                table: "sync_runs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "daily_levels_read",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.CreateTable(
                name: "daily_insights",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "text", nullable: false),
                    level = table.Column<string>(type: "text", nullable: false),
                    entity_id = table.Column<string>(type: "text", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
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
                    table.PrimaryKey("pk_daily_insights", x => new { x.account_id, x.level, x.entity_id, x.date });
                });

            migrationBuilder.CreateIndex(
                name: "ix_daily_insights_account_id_level_date",
                table: "daily_insights",
                columns: new[] { "account_id", "level", "date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "daily_insights");

            migrationBuilder.DropColumn(
                name: "daily_levels_read",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "daily_levels_read",
                table: "account_syncs");
        }
    }
}
