using System.Text.Json.Serialization;
using MetaAdsSync.GraphSimulator.Admin;
using MetaAdsSync.GraphSimulator.Graph;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MetaAdsSync.GraphSimulator;

/// <summary>
/// Builds the simulator, for <c>Program.cs</c> (options from <c>Simulator:*</c> configuration) and for tests
/// (<see cref="StartAsync"/>, options passed in, Kestrel on 127.0.0.1 and a free port). One wiring for both.
/// </summary>
public static class SimulatorApp
{
    public static WebApplication Build(string[] args, SimulatorOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(SimulatorApp).Assembly.GetName().Name,
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Kestrel would refuse long request lines itself; the simulator answers them as Meta does (MaxUrlLength).
            k.Limits.MaxRequestBufferSize = 2 * 1024 * 1024;
            k.Limits.MaxRequestLineSize = 1024 * 1024 + 1024;
        });
        // Set here rather than in an appsettings.json, which would be copied over the appsettings.json of any
        // project that references this one to host it in-process. Configuration can still raise it.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        if (options is null)
        {
            builder.Services.AddOptions<SimulatorOptions>()
                .BindConfiguration(SimulatorOptions.Section)
                .Configure<IConfiguration>(ReplaceLists)
                .ValidateDataAnnotations()
                .ValidateOnStart();
        }
        else
        {
            builder.Services.AddSingleton(Options.Create(options));
        }

        builder.Services.AddSingleton(sp => new SimulatorState(sp.GetRequiredService<IOptions<SimulatorOptions>>().Value));
        builder.Services.AddSingleton<GraphService>();

        var app = builder.Build();
        // The data set is built before listening, so readiness means ready and a bad setting stops the start.
        app.Services.GetRequiredService<SimulatorState>();
        app.MapGet("/health/live", () => Results.Text("Healthy"));
        app.MapGet("/health/ready", () => Results.Text("Healthy"));
        app.MapSimulatorAdmin();
        // Everything else is Meta's surface, for every method (a batch is a POST), as a fallback route
        // without the default "nonfile" constraint: version segments such as v25.0 contain a dot.
        app.MapFallback("{**path}", GraphEndpoint.HandleAsync);
        return app;
    }

    /// <summary>Starts a simulator in this process on <c>http://127.0.0.1:{free port}/</c>; dispose it to stop it.</summary>
    public static async Task<RunningSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken ct = default)
    {
        var app = Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], (options ?? new SimulatorOptions()).Clone());
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSimulator(app, app.Services.GetRequiredService<SimulatorState>(), new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>
    /// Configuration binding appends list items to a default list instead of replacing it; a configured
    /// token list replaces the default one here.
    /// </summary>
    static void ReplaceLists(SimulatorOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(SimulatorOptions.Section);
        string[]? Read(string key) =>
            section.GetSection(key).GetChildren().Select(c => c.Value).OfType<string>().ToArray() is { Length: > 0 } values ? values : null;
        options.AccessTokens = Read(nameof(SimulatorOptions.AccessTokens)) ?? options.AccessTokens;
        options.TokensWithoutPermission = Read(nameof(SimulatorOptions.TokensWithoutPermission)) ?? options.TokensWithoutPermission;
        options.ExpiredTokens = Read(nameof(SimulatorOptions.ExpiredTokens)) ?? options.ExpiredTokens;
        options.AccountsWithoutPermission = Read(nameof(SimulatorOptions.AccountsWithoutPermission)) ?? options.AccountsWithoutPermission;
    }
}
