using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class RemovedObjectsAndRunStarts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "run_started_at",
                table: "insights",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "'-infinity'::timestamptz");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "run_started_at",
                table: "entity_sync_marks",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "'-infinity'::timestamptz");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "removed_at",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "removed_by_run",
                table: "campaigns",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "removed_reason",
                table: "campaigns",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "run_started_at",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "'-infinity'::timestamptz");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "removed_at",
                table: "ads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "removed_by_run",
                table: "ads",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "removed_reason",
                table: "ads",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "run_started_at",
                table: "ads",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "'-infinity'::timestamptz");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "removed_at",
                table: "ad_sets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "removed_by_run",
                table: "ad_sets",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "removed_reason",
                table: "ad_sets",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "run_started_at",
                table: "ad_sets",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "'-infinity'::timestamptz");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "run_started_at",
                table: "insights");

            migrationBuilder.DropColumn(
                name: "run_started_at",
                table: "entity_sync_marks");

            migrationBuilder.DropColumn(
                name: "removed_at",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "removed_by_run",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "removed_reason",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "run_started_at",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "removed_at",
                table: "ads");

            migrationBuilder.DropColumn(
                name: "removed_by_run",
                table: "ads");

            migrationBuilder.DropColumn(
                name: "removed_reason",
                table: "ads");

            migrationBuilder.DropColumn(
                name: "run_started_at",
                table: "ads");

            migrationBuilder.DropColumn(
                name: "removed_at",
                table: "ad_sets");

            migrationBuilder.DropColumn(
                name: "removed_by_run",
                table: "ad_sets");

            migrationBuilder.DropColumn(
                name: "removed_reason",
                table: "ad_sets");

            migrationBuilder.DropColumn(
                name: "run_started_at",
                table: "ad_sets");
        }
    }
}
