using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AccountSyncSaga : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<DateTimeOffset>(
                name: "refreshed_at",
                table: "ad_accounts",
                type: "timestamp with time zone",
                nullable: true,
                oldClrType: typeof(DateTimeOffset),
                oldType: "timestamp with time zone");

            migrationBuilder.CreateTable(
                name: "account_syncs",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    account_id = table.Column<string>(type: "text", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    date_preset = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "text", nullable: false),
                    force = table.Column<bool>(type: "boolean", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_progress_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    redrives = table.Column<int>(type: "integer", nullable: false),
                    campaigns = table.Column<int>(type: "integer", nullable: false),
                    ad_sets = table.Column<int>(type: "integer", nullable: false),
                    ads = table.Column<int>(type: "integer", nullable: false),
                    eligible = table.Column<int>(type: "integer", nullable: false),
                    graph_calls = table.Column<int>(type: "integer", nullable: false),
                    levels_done = table.Column<List<string>>(type: "text[]", nullable: false),
                    pages_seen = table.Column<List<string>>(type: "text[]", nullable: false),
                    pending_campaign_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    pending_ad_set_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    pending_ad_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    batches_sent = table.Column<int>(type: "integer", nullable: false),
                    batches_succeeded = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    batches_failed = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    outstanding_batches = table.Column<string>(type: "jsonb", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_syncs", x => x.correlation_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_account_syncs_account_id",
                table: "account_syncs",
                column: "account_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_account_syncs_current_state_last_progress_at",
                table: "account_syncs",
                columns: new[] { "current_state", "last_progress_at" });

            migrationBuilder.CreateIndex(
                name: "ix_account_syncs_run_id",
                table: "account_syncs",
                column: "run_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_syncs");

            migrationBuilder.AlterColumn<DateTimeOffset>(
                name: "refreshed_at",
                table: "ad_accounts",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)),
                oldClrType: typeof(DateTimeOffset),
                oldType: "timestamp with time zone",
                oldNullable: true);
        }
    }
}
