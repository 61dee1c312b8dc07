using System.Net;
using MetaAdsSync.GraphSimulator.Tests.Support;
using MetaAdsSync.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace MetaAdsSync.GraphSimulator.Tests;

public sealed class When_faults_are_seeded
{
    static Task<Sim> StartAsync(int seed) => Sim.StartAsync(o =>
    {
        o.Seed = seed;
        o.CallBudget = 100_000;
        o.TransientErrorRate = 0.2;
        o.PayloadRejectionRate = 0.1;
    });

    /// <summary>Two rounds over every seed account's edges, so retries of the same request draw too.</summary>
    static async Task<List<string>> OutcomesAsync(Sim sim)
    {
        var outcomes = new List<string>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var account in sim.Running.AccountIds)
            {
                foreach (var edge in new[] { "campaigns", "adsets", "ads", "insights" })
                {
                    var answer = await sim.GetAsync($"{account}/{edge}?limit=10");
                    outcomes.Add(answer.Status == HttpStatusCode.OK ? "ok" : $"{(int)answer.Status}/{answer.Code}/{answer.Subcode}");
                }
            }
        }

        return outcomes;
    }

    [Fact]
    public async Task Should_meet_the_same_faults_with_the_same_seed()
    {
        await using var first = await StartAsync(7);
        await using var second = await StartAsync(7);

        var one = await OutcomesAsync(first);
        var two = await OutcomesAsync(second);

        Assert.Contains(one, o => o.StartsWith("50", StringComparison.Ordinal));
        Assert.Contains(one, o => o.EndsWith("/100/1487534", StringComparison.Ordinal));
        Assert.Equal(one, two);
    }

    [Fact]
    public async Task Should_meet_other_faults_with_another_seed()
    {
        await using var first = await StartAsync(7);
        await using var second = await StartAsync(8);

        Assert.NotEqual(await OutcomesAsync(first), await OutcomesAsync(second));
    }

    [Fact]
    public async Task Should_answer_transient_faults_with_code_2_and_http_500_or_503()
    {
        await using var sim = await Sim.StartAsync(o => o.TransientErrorRate = 1);

        var answer = await sim.GetAsync($"{Sim.BigAccount}/campaigns");

        Assert.Contains(answer.Status, new[] { HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable });
        Assert.Equal(2, answer.Code);
        Assert.True(answer.Error.GetProperty("is_transient").GetBoolean());
        Assert.NotNull(answer.Header("X-Ad-Account-Usage"));
        Assert.Equal(1, sim.Running.GetStats().TransientErrors);
    }

    /// <summary>The simulator's clock is fake, so a slow answer waits until the test moves it, however loaded the machine.</summary>
    static Task<Sim> StartSlowAsync(FakeTimeProvider clock) => Sim.StartAsync(o =>
    {
        o.Clock = clock;
        o.SlowResponseRate = 1;
        o.SlowResponseMs = 30_000;
    });

    [Fact]
    public async Task Should_answer_slowly_enough_to_trip_a_client_timeout()
    {
        await using var sim = await StartSlowAsync(new FakeTimeProvider());
        sim.Http.Timeout = TimeSpan.FromMilliseconds(300);

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => sim.GetAsync($"{Sim.BigAccount}/campaigns"));
    }

    [Fact]
    public async Task Should_answer_a_slow_call_once_its_time_has_passed()
    {
        var clock = new FakeTimeProvider();
        await using var sim = await StartSlowAsync(clock);

        var call = sim.GetAsync($"{Sim.BigAccount}/campaigns");
        await Eventually.TrueAsync(() => sim.Running.GetStats().SlowResponses == 1, "the call to be held as slow");

        Assert.False(call.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, (await Eventually.AdvanceUntilDoneAsync(clock, call, TimeSpan.FromSeconds(30))).Status);
    }
}
