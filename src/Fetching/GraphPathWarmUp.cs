using MetaAdsSync.GraphApi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Fetching;

/// <summary>
/// A fetcher's read path run before its bus starts: the pages a sync reads, answered from memory by
/// <see cref="CannedGraph"/>, through the real Graph client, the shared rate gate and the page-size memory, for an
/// account Meta never names. The gate's rows that account's calls wrote are deleted afterwards, so nothing stays. The
/// first sync after a start otherwise JIT-compiled all of it, on the cores its own calls and pages need (docs/performance-log.md:
/// a restart's first sync used every core of the machine).
/// </summary>
public sealed class GraphPathWarmUp(
    IOptions<MetaOptions> options, IOptions<RateGateOptions> pacing, IRateGate gate, IPageSizeMemory pageSizes, TimeProvider time, ILoggerFactory logs,
    NpgsqlDataSource database)
{
    public async Task<int> ReadAsync(string accountId, bool entities, bool insights, CancellationToken cancellationToken)
    {
        var client = CannedGraph.Client(options, pacing, gate, pageSizes, time, logs);
        int rows;
        try
        {
            rows = await CannedGraph.ReadAsync(client, accountId, entities, insights, cancellationToken);
        }
        finally
        {
            await using var forget = database.CreateCommand("DELETE FROM rate_gate WHERE account_id = @account OR key = @account");
            forget.Parameters.AddWithValue("account", accountId);
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }

        return rows;
    }
}
