using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MetaAdsSync.GraphApi;

/// <summary>Counts the HTTP calls one logical request cost: retries and rejected page sizes included.</summary>
public sealed class CallCounter
{
    int _count;

    public int Count => _count;

    public void Increment() => Interlocked.Increment(ref _count);
}

/// <summary>
/// One GET against the Graph API: through the rate gate, with the token in the Authorization header, a per-attempt
/// timeout, bounded jittered retries of transient failures and throttles (the gate does the waiting for throttles),
/// and a circuit breaker per host. Errors come out as <see cref="GraphApiException"/> with a classified
/// <see cref="GraphError"/>; usage headers of every response, errors included, go to the gate.
/// </summary>
public sealed class GraphTransport
{
    public const string HttpClientName = "MetaGraph";

    readonly IHttpClientFactory _http;
    readonly MetaOptions _options;
    readonly TimeSpan _defaultThrottleWait;
    readonly IRateGate _gate;
    readonly ILogger<GraphTransport> _logger;
    readonly Uri _base;
    readonly ResiliencePipeline _calls;
    readonly ResiliencePipeline _attemptTimeout;

    public GraphTransport(IHttpClientFactory http, IOptions<MetaOptions> options, IOptions<RateGateOptions> pacing, IRateGate gate, TimeProvider time,
        ILogger<GraphTransport> logger)
    {
        _http = http;
        _options = options.Value;
        _defaultThrottleWait = pacing.Value.DefaultThrottleWait;
        _gate = gate;
        _logger = logger;
        _base = new Uri($"{_options.BaseUrl.TrimEnd('/')}/{_options.ApiVersion}/");
        // One transport per configured host, so this breaker is the host's breaker.
        _calls = BuildCallPipeline(time);
        _attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(_options.AttemptTimeout)
            .Build();
    }

    /// <summary>An absolute URL under <c>{BaseUrl}/{ApiVersion}/</c>.</summary>
    public Uri Build(string path, IEnumerable<KeyValuePair<string, string?>> query) =>
        new(QueryHelpers.AddQueryString(new Uri(_base, path).ToString(), query));

    /// <summary>
    /// A URL Meta handed back (<c>paging.next</c>) made safe to call: moved onto the configured host, stripped of any
    /// token (ours travels in the header), with <c>limit</c> set to <paramref name="limit"/>.
    /// </summary>
    public Uri Follow(string url, int? limit)
    {
        var given = new Uri(url, UriKind.RelativeOrAbsolute);
        if (!given.IsAbsoluteUri)
        {
            given = new Uri(_base, url);
        }

        var query = QueryHelpers.ParseQuery(given.Query)
            .Where(p => !p.Key.Equals("access_token", StringComparison.OrdinalIgnoreCase)
                && !p.Key.Equals("appsecret_proof", StringComparison.OrdinalIgnoreCase)
                && !(limit is not null && p.Key == "limit"))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .ToList();
        if (limit is not null)
        {
            query.Add(new("limit", limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var path = new UriBuilder(_base.Scheme, _base.Host, _base.Port, given.AbsolutePath).Uri.ToString();
        return new Uri(QueryHelpers.AddQueryString(path, query));
    }

    /// <summary>
    /// GETs <paramref name="url"/> and returns the parsed body; the caller disposes it. A call that may as well not be
    /// made while Meta throttles (<paramref name="waitOutThrottles"/> false) is not retried after a throttle: its
    /// <see cref="GraphApiException"/> comes back at once instead of a wait in the gate.
    /// </summary>
    public async Task<JsonDocument> GetAsync(Uri url, RateScope scope, CallCounter calls, CancellationToken cancellationToken, bool waitOutThrottles = true)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SkipThrottleRetry, !waitOutThrottles);
        try
        {
            return await _calls.ExecuteAsync(
                async (ctx, _) => await AttemptAsync(url, scope, calls, ctx.CancellationToken),
                context, 0);
        }
        catch (BrokenCircuitException ex)
        {
            throw new GraphApiException(
                new GraphError(GraphErrorKind.Transient, $"circuit open for {_base.Host}: recent calls failed"),
                $"GET {Describe(url)}", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>How much longer the rate gate holds the scope's calls off (Meta's block); zero when it does not. Never waits.</summary>
    public ValueTask<TimeSpan> BlockedForAsync(RateScope scope, CancellationToken cancellationToken) => _gate.BlockedForAsync(scope, cancellationToken);

    static readonly ResiliencePropertyKey<bool> SkipThrottleRetry = new("metaadssync.skip-throttle-retry");

    async ValueTask<JsonDocument> AttemptAsync(Uri url, RateScope scope, CallCounter calls, CancellationToken cancellationToken)
    {
        using var activity = GraphTelemetry.StartCall(url, scope);
        var waiting = Stopwatch.GetTimestamp();
        while (true)
        {
            await using var permit = await _gate.AcquireAsync(scope, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            Answer? answer;
            try
            {
                answer = await SendAsync(url, scope, () =>
                {
                    GraphTelemetry.RecordGateWait(scope, Stopwatch.GetElapsedTime(waiting));
                    calls.Increment();
                }, cancellationToken);
            }
            catch (GraphApiException ex)
            {
                GraphTelemetry.RecordCall(activity, url, scope, 0, ex.Error);
                throw;
            }

            if (answer is { } sent)
            {
                return await ReadAsync(activity, url, scope, permit, sent, Stopwatch.GetElapsedTime(started), cancellationToken);
            }

            // The permit goes back unused: the gate waits the block out (or gives up on it) before the call goes again.
            _logger.LogDebug("GET {Url} held back: {Scope} was throttled after its permit was granted", Describe(url), scope);
        }
    }

    /// <summary>
    /// Meta's answer: a success as its parsed body (<see cref="Json"/>, null when the body was not JSON), a failure as its
    /// UTF-8 bytes (<see cref="ErrorBody"/>), which Meta's error object is read from.
    /// </summary>
    readonly record struct Answer(System.Net.HttpStatusCode Status, HttpResponseHeaders Headers, JsonDocument? Json, byte[]? ErrorBody);

    /// <summary>
    /// Meta's answer to the call and what it says of the usage and any throttle, reported to the gate as the call's
    /// <paramref name="permit"/> goes back (one round trip for both).
    /// </summary>
    async ValueTask<JsonDocument> ReadAsync(
        Activity? activity, Uri url, RateScope scope, IAsyncDisposable permit, Answer answer, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var (status, headers, json, body) = answer;
        var usage = GraphUsage.Parse(headers);
        GraphTelemetry.RecordUsage(scope, usage);

        if ((int)status is >= 200 and < 300)
        {
            GraphTelemetry.RecordCall(activity, url, scope, (int)status, null);
            try
            {
                await _gate.ReportAndReleaseAsync(scope, usage, null, permit, cancellationToken);
            }
            catch
            {
                json?.Dispose();
                throw;
            }

            _logger.LogDebug("GET {Url} → {Status} in {Elapsed} ms", Describe(url), (int)status, (int)elapsed.TotalMilliseconds);
            // A body cut short on the way is worth another try.
            return json ?? throw new GraphApiException(
                new GraphError(GraphErrorKind.Transient, "response body is not JSON", HttpStatus: (int)status), $"GET {Describe(url)}");
        }

        var error = GraphError.FromResponse(status, System.Text.Encoding.UTF8.GetString(body ?? []), usage.RegainAccessIn(scope.UseCase));
        GraphTelemetry.RecordCall(activity, url, scope, (int)status, error);
        if (error.Kind == GraphErrorKind.Throttled)
        {
            var blockedFor = error.RegainAccessIn ?? _defaultThrottleWait;
            error = error with { RegainAccessIn = blockedFor };
            // Code 4 is the app's own limit: every account waits.
            var blockedScope = error.Code == 4 ? scope with { AccountId = null } : scope;
            await _gate.ReportAndReleaseAsync(blockedScope, usage, blockedFor, permit, cancellationToken);
        }
        else
        {
            await _gate.ReportAndReleaseAsync(scope, usage, null, permit, cancellationToken);
        }

        _logger.LogDebug("GET {Url} → {Status} in {Elapsed} ms: {Error}", Describe(url), (int)status, (int)elapsed.TotalMilliseconds, error);
        throw new GraphApiException(error, $"GET {Describe(url)}");
    }

    /// <summary>
    /// The HTTP GET itself, or null when this process has heard of a block of the scope since the permit was granted (its
    /// own call's throttle, or another process's notice): the last check is the one nearest the send, and costs no I/O.
    /// </summary>
    async Task<Answer?> SendAsync(Uri url, RateScope scope, Action sending, CancellationToken cancellationToken)
    {
        try
        {
            return await _attemptTimeout.ExecuteAsync<Answer?>(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
                var client = _http.CreateClient(HttpClientName);
                if (_gate.KnownBlockFor(scope) > TimeSpan.Zero)
                {
                    return null;
                }

                sending();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                if (!response.IsSuccessStatusCode)
                {
                    return new Answer(response.StatusCode, response.Headers, null, await response.Content.ReadAsByteArrayAsync(token));
                }

                // Parsed from the stream: the document reads the body into a buffer rented from the shared pool and gives it back
                // when disposed. Read as a byte[] first, a page of ads (~300 kB) was a fresh large-object allocation every
                // call, zeroed page by page, and what set off the fetchers' background gen-2 collections.
                // WaitAsync: the attempt's timeout holds even for content whose stream ignores the token until it has the body.
                await using var stream = await response.Content.ReadAsStreamAsync(token).WaitAsync(token);
                try
                {
                    return new Answer(response.StatusCode, response.Headers, await JsonDocument.ParseAsync(stream, default, token), null);
                }
                catch (JsonException)
                {
                    return new Answer(response.StatusCode, response.Headers, null, null);
                }
            }, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new GraphApiException(
                new GraphError(GraphErrorKind.Transient, $"no answer within Meta:AttemptTimeout ({_options.AttemptTimeout:g})"),
                $"GET {Describe(url)}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new GraphApiException(new GraphError(GraphErrorKind.Transient, "connection failed: " + ex.HttpRequestError), $"GET {Describe(url)}", ex);
        }
    }

    ResiliencePipeline BuildCallPipeline(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is GraphApiException e
                    && e.Error.IsRetryable && e is not (RateGateBlockedException or RateGateBusyException)
                    && !(e.Error.Kind == GraphErrorKind.Throttled && args.Context.Properties.GetValue(SkipThrottleRetry, false))),
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                // A throttle is waited out inside the rate gate, so the retry itself does not add a delay.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Exception is GraphApiException { Error.Kind: GraphErrorKind.Throttled } ? TimeSpan.Zero : null),
                OnRetry = args =>
                {
                    _logger.LogWarning("Graph call failed ({Error}); retry {Attempt} of {Max} in {Delay} ms",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 1, _options.MaxRetryAttempts, (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<GraphApiException>(e => e.Error.Kind == GraphErrorKind.Transient),
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = _options.CircuitBreakDuration,
                OnOpened = args =>
                {
                    _logger.LogWarning("Graph circuit for {Host} opened for {Duration}", _base.Host, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    static string Describe(Uri url) => UrlRedactor.Redact(url.PathAndQuery);
}
