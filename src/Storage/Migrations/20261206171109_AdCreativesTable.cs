using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AdCreativesTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "creative_hash",
                table: "ads",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ad_creatives",
                columns: table => new
                {
                    ad_id = table.Column<string>(type: "text", nullable: false),
                    creative = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ad_creatives", x => x.ad_id);
                    table.ForeignKey(
                        name: "fk_ad_creatives_ads_ad_id",
                        column: x => x.ad_id,
                        principalTable: "ads",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The stored creatives move as they are. Their hash stays NULL: jsonb kept no bytes as received to hash the way
            // the upsert does, so the next sync that reads an ad rewrites its creative once and stores the hash.
            migrationBuilder.Sql("INSERT INTO ad_creatives (ad_id, creative) SELECT id, creative FROM ads WHERE creative IS NOT NULL");

            // Dropping a column rewrites nothing: old row versions keep their bytes until the next run rewrites each row.
            migrationBuilder.DropColumn(
                name: "creative",
                table: "ads");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "creative",
                table: "ads",
                type: "jsonb",
                nullable: true);

            migrationBuilder.Sql("UPDATE ads SET creative = c.creative FROM ad_creatives c WHERE c.ad_id = ads.id");

            migrationBuilder.DropTable(
                name: "ad_creatives");

            migrationBuilder.DropColumn(
                name: "creative_hash",
                table: "ads");
        }
    }
}
