using System.Collections.Concurrent;
using System.Net;

namespace MetaAdsSync.TestSupport;

/// <summary>A webhook receiver on 127.0.0.1 for the tests: records every request and answers the statuses it is told, then 200.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly HttpListener _listener = new();
    readonly ConcurrentQueue<int> _answers;
    readonly Task _loop;

    public sealed record Received(string Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At, int Answered);

    WebhookReceiver(int port, IEnumerable<int> answers)
    {
        Url = $"http://127.0.0.1:{port}/hooks/metaadssync";
        _answers = new ConcurrentQueue<int>(answers);
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Listens on <paramref name="port"/> (a free one by default), answering <paramref name="answers"/> in turn, then 200.</summary>
    public static WebhookReceiver Start(int? port = null, params int[] answers) => new(port ?? HostProcess.FreePort(), answers);

    /// <summary>Waits until a request was answered 2xx and returns every request so far.</summary>
    public async Task<List<Received>> WaitForSuccessAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (!Requests.Any(r => r.Answered is >= 200 and < 300))
        {
            await Task.Delay(50, cancel.Token);
        }

        return Requests.ToList();
    }

    async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var status = _answers.TryDequeue(out var answer) ? answer : 200;
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new Received(body, headers, DateTimeOffset.UtcNow, status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
