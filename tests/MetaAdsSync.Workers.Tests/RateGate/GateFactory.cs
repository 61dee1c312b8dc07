using MetaAdsSync.GraphApi;
using MetaAdsSync.ServiceDefaults.RateGate;
using MetaAdsSync.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Workers.Tests.RateGate;

/// <summary>Gates over one database, each with its own connection pool, as separate worker processes would have.</summary>
public sealed class GateFactory(MigratedDatabase database) : IAsyncDisposable
{
    readonly List<NpgsqlDataSource> _sources = [];

    public PostgresRateGate Create(Action<RateGateOptions>? configure = null, TimeSpan? maxThrottleWait = null)
    {
        var options = new RateGateOptions { PollInterval = TimeSpan.FromMilliseconds(50), AcquireTimeout = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        var source = StorageRegistration.CreateDataSource(database.ConnectionString);
        _sources.Add(source);
        return new PostgresRateGate(source, Options.Create(options),
            Options.Create(new MetaOptions { AccessToken = "t", MaxThrottleWait = maxThrottleWait ?? TimeSpan.FromMinutes(5) }),
            TimeProvider.System, NullLogger<PostgresRateGate>.Instance);
    }

    public async Task<RateGateKeyStatus> StatusAsync(RateScope scope) =>
        (await Create().ReadAsync(default)).Single(k => k.Key == PostgresRateGate.KeyOf(scope));

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}
