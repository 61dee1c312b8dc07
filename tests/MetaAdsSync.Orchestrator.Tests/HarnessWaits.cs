using MassTransit.Testing;

namespace MetaAdsSync.Orchestrator.Tests;

/// <summary>
/// Asking the test harness what happened instead of polling. A message counts as consumed once its whole pipe ran:
/// the saga's state is saved and what its outbox held is published.
/// </summary>
public static class HarnessWaits
{
    static readonly CancellationToken AsItIsNow = new(canceled: true);

    /// <summary>Waits until the bus consumed <paramref name="count"/> matching messages.</summary>
    public static Task Consumed<T>(this ITestHarness harness, int count, Func<T, bool> filter) where T : class =>
        Reach(harness.Consumed.SelectAsync<T>(m => filter(m.Context.Message)), count, typeof(T).Name + " consumed");

    /// <summary>Waits until <paramref name="count"/> matching messages were published.</summary>
    public static Task Published<T>(this ITestHarness harness, int count, Func<T, bool> filter) where T : class =>
        Reach(harness.Published.SelectAsync<T>(m => filter(m.Context.Message)), count, typeof(T).Name + " published");

    /// <summary>What was published so far, without waiting for more (the lists' Select waits until the harness goes quiet).</summary>
    public static List<T> PublishedSoFar<T>(this ITestHarness harness, Func<T, bool> filter) where T : class =>
        harness.Published.Select<T>(m => filter(m.Context.Message), AsItIsNow).Select(m => m.Context.Message).ToList();

    static async Task Reach<T>(IAsyncEnumerable<T> messages, int count, string what)
    {
        var seen = 0;
        await foreach (var _ in messages)
        {
            if (++seen == count)
            {
                return;
            }
        }

        throw new Xunit.Sdk.XunitException($"{seen} {what}, {count} expected");
    }
}
