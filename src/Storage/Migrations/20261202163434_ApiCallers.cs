using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ApiCallers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "requested_by",
                table: "sync_runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "requested_by",
                table: "account_syncs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "api_request_windows",
                columns: table => new
                {
                    partition = table.Column<string>(type: "text", nullable: false),
                    window_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requests = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_request_windows", x => x.partition);
                });

            migrationBuilder.CreateIndex(
                name: "ix_account_syncs_requested_by",
                table: "account_syncs",
                column: "requested_by");

            migrationBuilder.CreateIndex(
                name: "ix_api_request_windows_window_started_at",
                table: "api_request_windows",
                column: "window_started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_request_windows");

            migrationBuilder.DropIndex(
                name: "ix_account_syncs_requested_by",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "requested_by",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "requested_by",
                table: "account_syncs");
        }
    }
}
