using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InsightReadsBesideEntities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "insight_fetches");

            migrationBuilder.DropColumn(
                name: "pending_ad_ids",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "pending_ad_set_ids",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "pending_campaign_ids",
                table: "account_syncs");

            migrationBuilder.AddColumn<List<string>>(
                name: "insight_levels_read",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "insight_levels_read",
                table: "sync_runs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            // A run caught by the upgrade waited for batches of entity ids, and for ids of pages still to come: it now
            // waits for one whole-level insights read per level instead, which its next re-drive sends in the new shape.
            migrationBuilder.Sql("""
                UPDATE account_syncs
                   SET outstanding_batches = jsonb_build_object(
                           gen_random_uuid()::text, '{"Level":0,"Partition":{"Kind":0,"CampaignIds":[]}}'::jsonb,
                           gen_random_uuid()::text, '{"Level":1,"Partition":{"Kind":0,"CampaignIds":[]}}'::jsonb,
                           gen_random_uuid()::text, '{"Level":2,"Partition":{"Kind":0,"CampaignIds":[]}}'::jsonb),
                       batches_sent = batches_sent + 3
                 WHERE outcome IS NULL AND run_id IS NOT NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "insight_levels_read",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "insight_levels_read",
                table: "account_syncs");

            foreach (var column in new[] { "pending_campaign_ids", "pending_ad_set_ids", "pending_ad_ids" })
            {
                migrationBuilder.AddColumn<List<string>>(
                    name: column,
                    table: "account_syncs",
                    type: "text[]",
                    nullable: false,
                    defaultValueSql: "'{}'::text[]");
            }

            migrationBuilder.CreateTable(
                name: "insight_fetches",
                columns: table => new
                {
                    level = table.Column<string>(type: "text", nullable: false),
                    entity_id = table.Column<string>(type: "text", nullable: false),
                    date_preset = table.Column<string>(type: "text", nullable: false),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    fetched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_run_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_insight_fetches", x => new { x.level, x.entity_id, x.date_preset });
                });
        }
    }
}
