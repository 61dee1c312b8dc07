using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MetaAdsSync.Storage.Migrations
{
    /// <inheritdoc />
    public partial class TypedSagaLedgerAndRunPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "plan",
                table: "sync_runs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ledger",
                table: "account_syncs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "plan",
                table: "account_syncs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sequence",
                table: "account_syncs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // A run caught by the upgrade keeps what it counted: its pages ("Level:attempt:page:count:eligible") and
            // last pages ("Level=attempt:last") become one whole-level partition per level with the same attempts, its
            // outstanding insight reads (daily ones with their window) stay outstanding. A level it answered from
            // PostgreSQL counts as read by it (its last_synced_at is the run's end, as before the upgrade). Pages of fetchers of the older shape carry no partition id
            // and count for their level's only partition; a re-drive sends the partitions in the new shape.
            migrationBuilder.Sql("""
                WITH running AS (
                    SELECT correlation_id, pages_seen, levels_done FROM account_syncs WHERE outcome IS NULL AND run_id IS NOT NULL
                ), levels(name, number) AS (VALUES ('Campaign', 0), ('AdSet', 1), ('Ad', 2)),
                pages AS (
                    SELECT r.correlation_id, split_part(p, ':', 1) AS level, split_part(p, ':', 2)::uuid AS attempt,
                           split_part(p, ':', 3)::int AS page, split_part(p, ':', 4)::int AS count, split_part(p, ':', 5)::int AS eligible
                      FROM running r, unnest(r.pages_seen) p
                ), lasts AS (
                    SELECT r.correlation_id, split_part(d, '=', 1) AS level, split_part(split_part(d, '=', 2), ':', 1)::uuid AS attempt,
                           split_part(split_part(d, '=', 2), ':', 2)::int AS last_page
                      FROM running r, unnest(r.levels_done) d
                ), attempts AS (
                    SELECT p.correlation_id, p.level, p.attempt,
                           jsonb_build_object('pages', jsonb_object_agg(p.page::text, jsonb_build_object('count', p.count, 'eligible', p.eligible)),
                                              'lastPage', l.last_page) AS doc,
                           l.last_page IS NOT NULL AND count(DISTINCT p.page) FILTER (WHERE p.page BETWEEN 1 AND l.last_page) = l.last_page AS complete
                      FROM pages p LEFT JOIN lasts l USING (correlation_id, level, attempt)
                     GROUP BY p.correlation_id, p.level, p.attempt, l.last_page
                ), partitions AS (
                    SELECT r.correlation_id, jsonb_build_object(
                               'level', lv.number,
                               'partition', '{"kind":0,"campaignIds":[]}'::jsonb,
                               'attempts', coalesce((SELECT jsonb_object_agg(a.attempt::text, a.doc) FROM attempts a
                                                      WHERE a.correlation_id = r.correlation_id AND a.level = lv.name), '{}'::jsonb),
                               'completedBy', (SELECT to_jsonb(a.attempt::text) FROM attempts a
                                                WHERE a.correlation_id = r.correlation_id AND a.level = lv.name AND a.complete LIMIT 1)) AS doc
                      FROM running r CROSS JOIN levels lv
                )
                UPDATE account_syncs s SET
                    ledger = jsonb_build_object(
                        'entities', (SELECT jsonb_object_agg(gen_random_uuid()::text, p.doc) FROM partitions p WHERE p.correlation_id = s.correlation_id),
                        'insights', coalesce((SELECT jsonb_object_agg(b.key, jsonb_build_object(
                                                    'level', b.value -> 'Level',
                                                    'partition', jsonb_build_object('kind', b.value -> 'Partition' -> 'Kind',
                                                                                    'campaignIds', b.value -> 'Partition' -> 'CampaignIds'),
                                                    'daily', CASE WHEN jsonb_typeof(b.value -> 'Daily') = 'object'
                                                                  THEN jsonb_build_object('since', b.value -> 'Daily' -> 'Since', 'until', b.value -> 'Daily' -> 'Until') END,
                                                    'status', 0))
                                                FROM jsonb_each(s.outstanding_batches) b), '{}'::jsonb)),
                    sequence = cardinality(s.pages_seen) + cardinality(s.batches_succeeded) + cardinality(s.batches_failed)
                  FROM running r
                 WHERE r.correlation_id = s.correlation_id
                """);

            // The answered reads' ids become counts (the ledger keeps only what is still to come of an upgraded run).
            migrationBuilder.Sql("""
                ALTER TABLE account_syncs
                    ALTER COLUMN batches_succeeded TYPE integer USING cardinality(batches_succeeded),
                    ALTER COLUMN batches_failed TYPE integer USING cardinality(batches_failed)
                """);

            foreach (var column in new[] { "daily_levels_read", "insight_levels_read", "levels_done", "levels_reused", "outstanding_batches", "pages_seen" })
            {
                migrationBuilder.DropColumn(name: column, table: "account_syncs");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "plan",
                table: "sync_runs");

            migrationBuilder.DropColumn(
                name: "ledger",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "plan",
                table: "account_syncs");

            migrationBuilder.DropColumn(
                name: "sequence",
                table: "account_syncs");

            // Runs in flight lose their progress going down: the watchdog re-drives or times them out.
            migrationBuilder.Sql("""
                ALTER TABLE account_syncs
                    ALTER COLUMN batches_succeeded TYPE uuid[] USING '{}'::uuid[],
                    ALTER COLUMN batches_failed TYPE uuid[] USING '{}'::uuid[]
                """);

            migrationBuilder.AddColumn<List<string>>(
                name: "daily_levels_read",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "levels_reused",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "insight_levels_read",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<List<string>>(
                name: "levels_done",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "outstanding_batches",
                table: "account_syncs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<List<string>>(
                name: "pages_seen",
                table: "account_syncs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");
        }
    }
}
