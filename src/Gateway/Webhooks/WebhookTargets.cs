using System.Net;
using System.Net.Sockets;

namespace MetaAdsSync.Gateway.Webhooks;

/// <summary>
/// Where a webhook may point: http or https, no credentials in the URL, and (unless <c>Gateway:WebhookAllowPrivateTargets</c>)
/// only public addresses: every address the host resolves to is checked at registration and again at each connection,
/// so a name that later resolves to a loopback, private, link-local or metadata address reaches nothing.
/// </summary>
public sealed class WebhookTargets(bool allowPrivate)
{
    public const int MaxUrlLength = 2048;

    /// <summary>Null when <paramref name="url"/> may be registered, otherwise why not.</summary>
    public async Task<string?> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"url must be an absolute http or https URL of at most {MaxUrlLength} characters.";
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            return "url must use http or https.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "url must not carry credentials; the secret signs each delivery instead.";
        }

        if (uri.Fragment.Length > 0)
        {
            return "url must not have a fragment.";
        }

        try
        {
            await ResolveAsync(uri.IdnHost, cancellationToken);
            return null;
        }
        catch (WebhookTargetRefusedException ex)
        {
            return "url: " + ex.Message;
        }
        catch (SocketException)
        {
            return $"url: the host '{uri.IdnHost}' does not resolve.";
        }
    }

    /// <summary>The host's addresses, all of them allowed, or <see cref="WebhookTargetRefusedException"/>.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!allowPrivate && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
        {
            throw new WebhookTargetRefusedException($"the host '{host}' resolves to {refused}, a loopback, private, link-local or metadata address.");
        }

        return addresses;
    }

    /// <summary>The sender's connection: to an address checked at this moment, never to one the name resolved to earlier.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b6 = address.GetAddressBytes();
            // Link-local, site-local, unique-local (fc00::/7), multicast.
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b6[0] & 0xFE) == 0xFC);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224   // this network, private, loopback, multicast and reserved
            || (b[0] == 100 && b[1] >= 64 && b[1] < 128)                   // carrier-grade NAT
            || (b[0] == 169 && b[1] == 254)                                // link-local, and the cloud metadata service 169.254.169.254
            || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)                     // IETF protocol assignments
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19)));               // benchmarking
    }
}

public sealed class WebhookTargetRefusedException(string message) : Exception(message);
