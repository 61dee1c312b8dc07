using MetaAdsSync.Storage;
using MetaAdsSync.TestSupport;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>A fresh database with the schema applied, shared by the tests of one class (each uses its own accounts).</summary>
public sealed class MigratedDatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        (ConnectionString, _) = await PostgresFixture.CreateDatabaseAsync();
        await using var db = StorageRegistration.CreateContext(ConnectionString);
        await SchemaMigrator.MigrateAsync(db, default);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
