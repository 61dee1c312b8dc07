using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ShapeCountsByCampaign : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_ads_account_id_campaign_id_effective_status",
                table: "ads",
                columns: new[] { "account_id", "campaign_id", "effective_status" },
                filter: "removed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ad_sets_account_id_campaign_id_effective_status",
                table: "ad_sets",
                columns: new[] { "account_id", "campaign_id", "effective_status" },
                filter: "removed_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ads_account_id_campaign_id_effective_status",
                table: "ads");

            migrationBuilder.DropIndex(
                name: "ix_ad_sets_account_id_campaign_id_effective_status",
                table: "ad_sets");
        }
    }
}
