using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Gateway.Webhooks;

/// <summary>
/// Sends due deliveries, in every Gateway at once: each claims a few with <c>FOR UPDATE SKIP LOCKED</c>, pushing their
/// next attempt past the send's timeout (a Gateway killed mid-send leaves a claim that lapses, so the delivery is sent
/// again: at least once). It lives in the Gateway, not the Orchestrator, so a slow or dead receiver only ever holds
/// this loop and its own HTTP connections, never the saga's endpoint; nothing of a sync waits for it.
/// </summary>
public sealed class WebhookSender(
    NpgsqlDataSource database, IHttpClientFactory http, IOptions<GatewayOptions> options, TimeProvider time, ILogger<WebhookSender> logger)
    : BackgroundService
{
    public const string Client = "webhooks";
    const int ClaimSize = 16;

    sealed record Claimed(Guid Id, string Event, string EventKey, string Body, int Attempts, string Url, string Secret);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await ClaimAsync(settings, stoppingToken);
                await Task.WhenAll(claimed.Select(d => SendAsync(d, settings, stoppingToken)));
                if (claimed.Count == ClaimSize)
                {
                    continue;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The Orchestrator has not applied the schema yet; readiness says so already.
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Webhook deliveries could not be read; trying again");
            }

            await Task.Delay(settings.WebhookPollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    async Task<List<Claimed>> ClaimAsync(GatewayOptions settings, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE webhook_deliveries d SET next_attempt_at = now() + @lease
              FROM webhooks w
             WHERE w.id = d.webhook_id AND d.id IN (
                   SELECT id FROM webhook_deliveries
                    WHERE status = 'Pending' AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT @limit
                      FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.event, d.event_key, d.body, d.attempts, w.url, w.secret
            """);
        command.Parameters.AddWithValue("lease", settings.WebhookTimeout * 2 + TimeSpan.FromSeconds(5));
        command.Parameters.AddWithValue("limit", ClaimSize);
        var claimed = new List<Claimed>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new Claimed(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetString(5), reader.GetString(6)));
        }

        return claimed;
    }

    async Task SendAsync(Claimed delivery, GatewayOptions settings, CancellationToken cancellationToken)
    {
        int? status = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.WebhookTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(delivery.Secret, time.GetUtcNow(), delivery.Body));
            request.Headers.Add("X-MetaAdsSync-Event", delivery.Event);
            request.Headers.Add("X-MetaAdsSync-Delivery", delivery.Id.ToString());
            request.Headers.Add("Idempotency-Key", delivery.EventKey);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("MetaAdsSync-Webhooks", "1"));
            using var response = await http.CreateClient(Client).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"the receiver answered {status}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within Gateway:WebhookTimeout ({settings.WebhookTimeout})";
        }
        catch (HttpRequestException ex)
        {
            error = (ex.InnerException as WebhookTargetRefusedException)?.Message ?? ex.Message;
        }
        catch (WebhookTargetRefusedException ex)
        {
            error = ex.Message;
        }

        if (cancellationToken.IsCancellationRequested && status is null)
        {
            return; // stopping: the claim lapses and another Gateway (or this one, restarted) sends it
        }

        await RecordAsync(delivery, status, error, settings);
    }

    async Task RecordAsync(Claimed delivery, int? status, string? error, GatewayOptions settings)
    {
        var attempts = delivery.Attempts + 1;
        var outcome = error is null ? "Delivered" : attempts >= settings.WebhookMaxAttempts ? "Failed" : "Pending";
        if (error is not null)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} ({Event}) attempt {Attempt}/{Max} failed: {Error}",
                delivery.Id, delivery.Event, attempts, settings.WebhookMaxAttempts, error);
        }

        await using var command = database.CreateCommand("""
            UPDATE webhook_deliveries
               SET status = @status, attempts = @attempts, last_status_code = @code, last_error = @error,
                   next_attempt_at = now() + @retry, delivered_at = CASE WHEN @status = 'Delivered' THEN now() END
             WHERE id = @id
            """);
        command.Parameters.AddWithValue("id", delivery.Id);
        command.Parameters.AddWithValue("status", outcome);
        command.Parameters.AddWithValue("attempts", attempts);
        command.Parameters.AddWithValue("code", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("retry", RetryDelay(attempts, settings));
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Exponential from <c>Gateway:WebhookRetryBaseDelay</c>, capped, each wait drawn at random from its upper half.</summary>
    static TimeSpan RetryDelay(int attempts, GatewayOptions settings)
    {
        var ceiling = Math.Min(settings.WebhookRetryMaxDelay.TotalMilliseconds, settings.WebhookRetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempts - 1));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }
}
