using MetaAdsSync.Contracts;
using MetaAdsSync.Gateway.Api;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Gateway.Auth;

/// <summary>
/// What one caller may ask of the orchestrator, counted in PostgreSQL so that it holds across every Gateway: sync
/// requests per minute (<c>Gateway:SyncRequestsPerMinute</c>, a fixed window per key or, anonymous, per address), and
/// runs a key has running at once (<c>Gateway:MaxRunningSyncsPerKey</c>). Beyond either: 429 with <c>Retry-After</c>.
/// </summary>
public sealed class SyncQuota(NpgsqlDataSource database, IOptions<GatewayOptions> options)
{
    /// <summary>How soon a key at its running cap is told to ask again: runs take seconds to minutes.</summary>
    static readonly TimeSpan RunningRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Counts one request in the caller's window (one atomic statement); a 429 problem when it is over.</summary>
    public async Task<IResult?> TakeRequestAsync(string partition, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO api_request_windows AS w (partition, window_started_at, requests)
            VALUES (@partition, date_trunc('minute', now()), 1)
            ON CONFLICT (partition) DO UPDATE SET
                requests = CASE WHEN w.window_started_at = EXCLUDED.window_started_at THEN w.requests + 1 ELSE 1 END,
                window_started_at = EXCLUDED.window_started_at
            RETURNING w.requests, extract(epoch FROM w.window_started_at + interval '1 minute' - now())::float8
            """);
        command.Parameters.AddWithValue("partition", partition);
        int requests;
        double secondsLeft;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            requests = reader.GetInt32(0);
            secondsLeft = reader.GetDouble(1);
        }

        if (requests == 1)
        {
            // A caller's first request of a minute clears out the windows of callers long gone (addresses, mostly).
            await using var prune = database.CreateCommand("DELETE FROM api_request_windows WHERE window_started_at < now() - interval '1 hour'");
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        var limit = options.Value.SyncRequestsPerMinute;
        return requests <= limit
            ? null
            : Problems.TooManyRequests($"More than {limit} sync requests this minute (Gateway:SyncRequestsPerMinute) from this API key (or, without a key, this address); try again shortly.",
                TimeSpan.FromSeconds(Math.Max(1, secondsLeft)));
    }

    /// <summary>
    /// A 429 problem when the key has as many runs running as <c>Gateway:MaxRunningSyncsPerKey</c> allows, not counting
    /// one of <paramref name="accountId"/> (asking again joins it). Checked before the request is sent, so concurrent
    /// requests of one key may overshoot by as many as are in flight at once.
    /// </summary>
    public async Task<IResult?> CheckRunningAsync(ApiCaller caller, string accountId, CancellationToken cancellationToken)
    {
        if (caller.KeyId is not { } keyId)
        {
            return null;
        }

        await using var command = database.CreateCommand("""
            SELECT count(*) FROM account_syncs s JOIN sync_run_status r ON r.correlation_id = s.correlation_id
             WHERE s.requested_by = @key AND s.account_id <> @account AND r.status = @running
            """);
        command.Parameters.AddWithValue("running", RunStatus.Running);
        command.Parameters.AddWithValue("key", keyId);
        command.Parameters.AddWithValue("account", accountId);
        var running = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        var limit = options.Value.MaxRunningSyncsPerKey;
        return running < limit
            ? null
            : Problems.TooManyRequests($"This API key has {running} syncs running, as many as Gateway:MaxRunningSyncsPerKey allows; try again when one has ended.",
                RunningRetryAfter);
    }
}

/// <summary>Counts every sync request against its caller's quota, after authentication has said who the caller is.</summary>
sealed class SyncQuotaFilter(SyncQuota quota) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return await quota.TakeRequestAsync(ApiCaller.Partition(http), http.RequestAborted) ?? await next(context);
    }
}
