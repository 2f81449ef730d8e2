using System.Net;
using System.Net.Sockets;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>
/// Where deliveries may go (no SSRF): https only; plain http to loopback only when local mode explicitly allows
/// it (tests). The address is checked again at connect time, after DNS, so a name that resolves to a private,
/// loopback or link-local address (or is rebound to one) is refused.
/// </summary>
public sealed class WebhookAddressPolicy(bool allowLoopbackHttp)
{
    public bool AllowLoopbackHttp => allowLoopbackHttp;

    public bool IsAcceptableUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && url!.Length <= 2048
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.IsNullOrEmpty(uri.Fragment)
        && (uri.Scheme == Uri.UriSchemeHttps || (allowLoopbackHttp && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    public bool IsAcceptableAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopbackHttp;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC || address.Equals(IPAddress.IPv6None));
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
    }

    /// <summary>Resolves the host and connects only to an acceptable address (the socket handler's connect hook).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0 || !addresses.All(IsAcceptableAddress))
        {
            throw new HttpRequestException($"Webhook host {context.DnsEndPoint.Host} resolves to an address that is not allowed.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
