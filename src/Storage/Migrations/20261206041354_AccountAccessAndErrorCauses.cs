using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AccountAccessAndErrorCauses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "error_detail",
                table: "sync_runs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error_kind",
                table: "sync_runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "levels_read",
                table: "sync_runs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "levels_reused",
                table: "sync_runs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "access_changed_at",
                table: "ad_accounts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "access_lost_reason",
                table: "ad_accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "accessible",
                table: "ad_accounts",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error_detail",
                table: "ad_accounts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error_kind",
                table: "ad_accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error_detail",
                table: "account_syncs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "error_kind",
                table: "account_syncs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "levels_reused",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "error_detail",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "error_kind",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "levels_read",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "levels_reused",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "access_changed_at",
                table: "ad_accounts");

            migrationBuilder.DropColumn(
                name: "access_lost_reason",
                table: "ad_accounts");

            migrationBuilder.DropColumn(
                name: "accessible",
                table: "ad_accounts");

            migrationBuilder.DropColumn(
                name: "last_error_detail",
                table: "ad_accounts");

            migrationBuilder.DropColumn(
                name: "last_error_kind",
                table: "ad_accounts");

            migrationBuilder.DropColumn(
                name: "error_detail",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "error_kind",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "levels_reused",
                table: "account_syncs");
        }
    }
}
