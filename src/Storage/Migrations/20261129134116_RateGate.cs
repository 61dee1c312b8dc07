using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class RateGate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rate_gate",
                columns: table => new
                {
                    key = table.Column<string>(type: "text", nullable: false),
                    account_id = table.Column<string>(type: "text", nullable: true),
                    use_case = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    allowed_concurrency = table.Column<double>(type: "double precision", nullable: false),
                    in_flight = table.Column<int>(type: "integer", nullable: false),
                    leases = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    window_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    window_used = table.Column<int>(type: "integer", nullable: false),
                    tokens = table.Column<double>(type: "double precision", nullable: false),
                    tokens_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    usage_percent = table.Column<double>(type: "double precision", nullable: false),
                    usage_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    blocked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rate_gate", x => x.key);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rate_gate");
        }
    }
}
