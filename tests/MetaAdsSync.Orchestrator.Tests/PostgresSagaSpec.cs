using MetaAdsSync.Orchestrator.Saga;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>A spec of our PostgreSQL saga repository: the harness on the class's database, read back as committed rows.</summary>
public abstract class PostgresSagaSpec(MigratedDatabase database) : SagaSpec, IClassFixture<MigratedDatabase>
{
    protected MigratedDatabase Database => database;

    protected override Task<SagaHarness> StartHarness(Action<SagaOptions> configure) =>
        SagaHarness.OnPostgresAsync(database.ConnectionString, configure);

    /// <summary>Another orchestrator process on the same database.</summary>
    protected Task<SagaHarness> AnotherOrchestrator() => SagaHarness.OnPostgresAsync(database.ConnectionString, Configure);

    protected async Task<object[]> Row(string sql)
    {
        var rows = await database.ReadAsync(sql, r =>
        {
            var values = new object[r.FieldCount];
            r.GetValues(values);
            return values;
        });
        return Assert.Single(rows);
    }
}
