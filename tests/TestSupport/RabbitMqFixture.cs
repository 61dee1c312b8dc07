using System.Net.Http.Headers;
using System.Text;
using DotNet.Testcontainers.Builders;
using Testcontainers.RabbitMq;
using Xunit;

namespace MetaAdsSync.TestSupport;

/// <summary>
/// A fresh virtual host on the shared RabbitMQ server, for one test class, so that queues of tests running
/// side by side (or of the demo) never meet.
/// </summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    sealed record Broker(string Host, int AmqpPort, Uri Management, string Username, string Password);

    static readonly Lazy<Task<Broker>> Server = new(StartServerAsync);

    public string Host { get; private set; } = "";
    public int Port { get; private set; }
    public string Username { get; private set; } = "";
    public string Password { get; private set; } = "";
    public string VirtualHost { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var broker = await Server.Value;
        (Host, Port, Username, Password) = (broker.Host, broker.AmqpPort, broker.Username, broker.Password);
        VirtualHost = "test-" + Guid.NewGuid().ToString("N")[..12];

        using var http = new HttpClient { BaseAddress = broker.Management };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{broker.Username}:{broker.Password}")));
        (await http.PutAsync($"api/vhosts/{VirtualHost}", null)).EnsureSuccessStatusCode();
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{VirtualHost}/{broker.Username}", permissions)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        var broker = await Server.Value;
        using var http = new HttpClient { BaseAddress = broker.Management };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{broker.Username}:{broker.Password}")));
        await http.DeleteAsync($"api/vhosts/{VirtualHost}");
    }

    /// <summary>The settings a host needs to reach this virtual host, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["RabbitMq__Host"] = Host,
        ["RabbitMq__Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq__Username"] = Username,
        ["RabbitMq__Password"] = Password,
        ["RabbitMq__VirtualHost"] = VirtualHost,
    };

    static async Task<Broker> StartServerAsync()
    {
        if (ServiceMode.Forced != "local")
        {
            try
            {
                var container = new RabbitMqBuilder("rabbitmq:3.13-management").WithPortBinding(15672, true).Build();
                await container.StartAsync();
                var containerManagement = new Uri($"http://{container.Hostname}:{container.GetMappedPublicPort(15672)}/");
                return new Broker(container.Hostname, container.GetMappedPublicPort(5672), containerManagement, "rabbitmq", "rabbitmq");
            }
            catch (DockerUnavailableException) when (ServiceMode.Forced is null)
            {
                // No Docker engine: use the server that scripts/services.sh started.
            }
        }

        var amqp = ServiceMode.LocalPort("METAADSSYNC_AMQP_PORT", 45672);
        var management = ServiceMode.LocalPort("METAADSSYNC_RABBIT_MGMT_PORT", 45674);
        return new Broker("127.0.0.1", amqp, new Uri($"http://127.0.0.1:{management}/"), "guest", "guest");
    }
}
