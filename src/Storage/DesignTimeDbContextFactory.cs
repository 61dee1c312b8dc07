using Microsoft.EntityFrameworkCore.Design;

namespace MetaAdsSync.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a host or a live database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SyncDbContext>
{
    public SyncDbContext CreateDbContext(string[] args) =>
        StorageRegistration.CreateContext("Host=127.0.0.1;Database=design_time");
}
