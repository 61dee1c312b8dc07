using MetaAdsSync.GraphApi;
using MetaAdsSync.RateGate;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.Workers.Tests.RateGate;

public class When_a_permit_is_released_while_another_worker_waits_for_it(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Should_let_the_waiting_worker_in_without_waiting_for_its_next_poll()
    {
        await using var gates = new GateFactory(database);
        var scope = new RateScope("act_released", MetaUseCase.AdsManagement);
        static void OneSlot(RateGateOptions o)
        {
            o.InitialConcurrency = 1;
            o.MaxConcurrency = 1;
            o.PollInterval = TimeSpan.FromMinutes(1);
            o.AcquireTimeout = TimeSpan.FromMinutes(10);
        }

        var holder = gates.Create(OneSlot);
        // The waiter's clock stands still, so its next poll never comes: only the release can let it in.
        var log = new WaitLog();
        var waiter = gates.Create(OneSlot, time: new FakeTimeProvider(), logger: log);
        var permit = await holder.AcquireAsync(scope, default);

        var acquiring = waiter.AcquireAsync(scope, default).AsTask();
        await log.Waiting.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await permit.DisposeAsync();

        // A bound on a hang, not a timing: polling alone, the waiter would never get in.
        await using (await acquiring.WaitAsync(TimeSpan.FromMinutes(1)))
        {
            Assert.Equal(1, (await gates.StatusAsync(scope)).InFlight);
        }
    }

    sealed class WaitLog : ILogger<PostgresRateGate>
    {
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("waiting for a release", StringComparison.Ordinal))
            {
                Waiting.TrySetResult();
            }
        }
    }
}
