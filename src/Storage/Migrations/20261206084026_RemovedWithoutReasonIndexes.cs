using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class RemovedWithoutReasonIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_campaigns_account_id_removed_at_id",
                table: "campaigns",
                columns: new[] { "account_id", "removed_at", "id" },
                filter: "removed_at IS NOT NULL AND removed_reason IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ads_account_id_removed_at_id",
                table: "ads",
                columns: new[] { "account_id", "removed_at", "id" },
                filter: "removed_at IS NOT NULL AND removed_reason IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ad_sets_account_id_removed_at_id",
                table: "ad_sets",
                columns: new[] { "account_id", "removed_at", "id" },
                filter: "removed_at IS NOT NULL AND removed_reason IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_campaigns_account_id_removed_at_id",
                table: "campaigns");

            migrationBuilder.DropIndex(
                name: "ix_ads_account_id_removed_at_id",
                table: "ads");

            migrationBuilder.DropIndex(
                name: "ix_ad_sets_account_id_removed_at_id",
                table: "ad_sets");
        }
    }
}
