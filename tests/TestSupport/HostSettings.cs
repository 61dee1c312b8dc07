namespace MetaAdsSync.TestSupport;

/// <summary>The environment a host process needs to reach the test's database and virtual host.</summary>
public static class HostSettings
{
    public static Dictionary<string, string> For(string postgres, RabbitMqFixture rabbit, IReadOnlyDictionary<string, string>? extra = null) =>
        For(postgres, rabbit.HostEnvironment, extra);

    /// <summary>The same, for a broker given by its <c>RabbitMq__*</c> environment (a test's own broker).</summary>
    public static Dictionary<string, string> For(string postgres, IReadOnlyDictionary<string, string> broker, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(broker)
        {
            ["ConnectionStrings__Postgres"] = postgres,
            // Tests that exercise API keys set keys and turn this off.
            ["Gateway__AllowAnonymous"] = "true",
            // Generous for a loaded 2-core machine: the saga's answer normally takes milliseconds.
            ["Gateway__SagaAnswerTimeout"] = "00:01:00",
            // Tests sweep on purpose, never on a timer.
            ["Scheduler__Enabled"] = "false",
            // Tests wait for hosts that serve, not for hosts that are warm: readiness would wait seconds more for the JIT
            // (JitSettleHold). The bench turns it back on.
            ["JitSettle__Enabled"] = "false",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
