using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using MetaAdsSync.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Workers.Tests.RateGate;

/// <summary>Gates over one database, each with its own connection pool, as separate worker processes would have.</summary>
public sealed class GateFactory(MigratedDatabase database) : IAsyncDisposable
{
    readonly List<NpgsqlDataSource> _sources = [];
    readonly List<PostgresRateGate> _gates = [];

    public PostgresRateGate Create(Action<RateGateOptions>? configure = null, TimeSpan? maxThrottleWait = null, TimeProvider? time = null,
        ILogger<PostgresRateGate>? logger = null)
    {
        var options = new RateGateOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(50), AcquireTimeout = TimeSpan.FromSeconds(30), MaxThrottleWait = maxThrottleWait ?? TimeSpan.FromMinutes(5),
        };
        configure?.Invoke(options);
        var source = StorageRegistration.CreateDataSource(database.ConnectionString);
        _sources.Add(source);
        var gate = new PostgresRateGate(source, Options.Create(options), time ?? TimeProvider.System, logger ?? NullLogger<PostgresRateGate>.Instance);
        _gates.Add(gate);
        return gate;
    }

    public async Task<RateGateKeyStatus> StatusAsync(RateScope scope) =>
        (await Create().ReadAsync(default)).Single(k => k.Key == PostgresRateGate.KeyOf(scope));

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates)
        {
            await gate.DisposeAsync();
        }

        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}
