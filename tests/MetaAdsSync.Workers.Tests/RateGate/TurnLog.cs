using MetaAdsSync.RateGate;
using Microsoft.Extensions.Logging;

namespace MetaAdsSync.Workers.Tests.RateGate;

/// <summary>Counts a gate's turns of waiting for a release (its log says so once per turn), and lets a test wait for the n-th.</summary>
sealed class TurnLog : ILogger<PostgresRateGate>
{
    readonly Lock _gate = new();
    readonly List<(int Count, TaskCompletionSource Reached)> _waits = [];
    int _turns;

    public int Turns => Volatile.Read(ref _turns);

    public Task WaitForTurnsAsync(int count)
    {
        lock (_gate)
        {
            if (_turns >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((count, reached));
            return reached.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!formatter(state, exception).Contains("waiting for a release", StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            _turns++;
            foreach (var wait in _waits.Where(w => w.Count <= _turns))
            {
                wait.Reached.TrySetResult();
            }
        }
    }
}
