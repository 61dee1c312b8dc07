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

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var give = DateTime.UtcNow + SafetyNet;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < give, $"never happened: {what}");
            await Task.Delay(20);
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
