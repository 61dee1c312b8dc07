using MetaAdsSync.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MetaAdsSync.Storage;

public static class StorageExtensions
{
    /// <summary>The key of the host's session data source (<see cref="StorageRegistration.CreateSessionDataSource"/>).</summary>
    public const string SessionDataSource = "postgres-session";

    /// <summary>The readiness check that PostgreSQL answers with the schema this build knows.</summary>
    public const string SchemaCheck = "postgres-schema";

    /// <summary>
    /// Polls <see cref="SchemaCheck"/> until the schema is current (a host may start before the Orchestrator applied it):
    /// false if it was not within <paramref name="within"/> (null: until cancelled).
    /// </summary>
    public static async Task<bool> WaitForSchemaAsync(this HealthCheckService health, TimeSpan? within, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await health.CheckHealthAsync(c => c.Name == SchemaCheck, cancellationToken)).Status != HealthStatus.Healthy)
        {
            if (watch.Elapsed > within)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Binds and validates <c>ConnectionStrings:*</c> and <c>Postgres:*</c> (<paramref name="maxPoolSize"/> is the host
    /// role's default, a <see cref="ConnectionBudget"/> figure); registers the host's one pooled <c>NpgsqlDataSource</c>
    /// (its pool warmed at start), the pooled DbContext factory on that same pool, the session data source (keyed
    /// <see cref="SessionDataSource"/>) and the schema readiness check.
    /// </summary>
    public static TBuilder AddStorage<TBuilder>(this TBuilder builder, int maxPoolSize) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ConnectionStringOptions>()
            .BindConfiguration(ConnectionStringOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConnectionStringOptions>, PoolSettingsOutsideConnectionStrings>();
        builder.Services.AddOptions<PostgresOptions>()
            .Configure(o => o.MaxPoolSize = maxPoolSize)
            .BindConfiguration(PostgresOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(sp => StorageRegistration.CreateDataSource(
            sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value.Postgres, sp.GetRequiredService<IOptions<PostgresOptions>>().Value));
        builder.Services.AddKeyedSingleton(SessionDataSource, (sp, _) =>
        {
            var strings = sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value;
            return StorageRegistration.CreateSessionDataSource(
                string.IsNullOrWhiteSpace(strings.PostgresSession) ? strings.Postgres : strings.PostgresSession,
                sp.GetRequiredService<IOptions<PostgresOptions>>().Value);
        });
        // Pooled: the saga opens a DbContext per event, and building a fresh one's services was 8 % of the Orchestrator's CPU.
        builder.Services.AddPooledDbContextFactory<SyncDbContext>((sp, options) =>
            StorageRegistration.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));

        builder.Services.AddHostedService<StorageWarmUp>();
        // Ready only once the Orchestrator has migrated.
        builder.Services.AddHealthChecks()
            .AddCheck<SchemaHealthCheck>(SchemaCheck, HealthStatus.Unhealthy, [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }
}

/// <summary>
/// The pool's size and wait are <c>Postgres:*</c>, so that every host's share of the connections is one setting: a
/// connection string that sets them as well is refused rather than one of the two silently ignored.
/// </summary>
sealed class PoolSettingsOutsideConnectionStrings : IValidateOptions<ConnectionStringOptions>
{
    static readonly (string Keyword, string Setting)[] Owned =
        [("Maximum Pool Size", "Postgres:MaxPoolSize"), ("Timeout", "Postgres:AcquireTimeout")];

    public ValidateOptionsResult Validate(string? name, ConnectionStringOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[] { ("ConnectionStrings:Postgres", options.Postgres), ("ConnectionStrings:PostgresSession", options.PostgresSession) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            NpgsqlConnectionStringBuilder parsed;
            try
            {
                parsed = new NpgsqlConnectionStringBuilder(value);
            }
            catch (ArgumentException ex)
            {
                // The message names the keyword at fault, never the value (it may hold a password).
                failures.Add($"{key} is not an Npgsql connection string: {ex.Message}");
                continue;
            }

            failures.AddRange(Owned.Where(o => StorageRegistration.Sets(parsed, o.Keyword))
                .Select(o => $"{key} sets '{o.Keyword}'; set {o.Setting} instead (each host's share of PostgreSQL's connections is configured there)."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
