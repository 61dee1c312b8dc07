using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// Waiting on the state under test instead of on the wall clock: a loaded machine makes things slower, never
/// wrong. The bound is only a safety net against a hang, far beyond any expected wait. Where a MassTransit test
/// harness can tell (consumed, published, a saga in a state), ask it instead.
/// </summary>
public static class Eventually
{
    static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);
    static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null, TimeSpan? pause = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, within, pause);

    /// <summary>
    /// <paramref name="within"/> widens the safety net for waits that are long by nature (a whole run of several hosts);
    /// <paramref name="pause"/> spaces out probes that cost something (a query, an HTTP call) or must be quick to notice.
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null, TimeSpan? pause = null)
    {
        var give = DateTime.UtcNow + (within ?? SafetyNet);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < give, $"never happened: {what}");
            await Task.Delay(pause ?? Pause);
        }
    }

    /// <summary>Moves a fake clock on until <paramref name="task"/> ends (a timer set after one step fires on the next).</summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(FakeTimeProvider clock, Task<T> task, TimeSpan step)
    {
        await TrueAsync(() =>
        {
            clock.Advance(step);
            return task.IsCompleted;
        }, "the calls to end once their time had passed");
        return await task;
    }
}
