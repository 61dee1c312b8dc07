using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class HotRewritesFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "insights")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "campaigns")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "ads")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "ad_sets")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "insights")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "campaigns")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "ads")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "ad_sets")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);
        }
    }
}
