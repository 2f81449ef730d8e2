using System.Net;
using System.Net.Sockets;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Webhooks;

/// <summary>
/// Where deliveries may go (no SSRF): https to a host name only; plain http to loopback only when local mode explicitly
/// allows it (tests). A literal IP host, localhost or a single-label name is refused when the webhook is set. The address
/// is checked again at connect time, after DNS, against the allow-list of globally routable unicast addresses
/// (<see cref="GlobalUnicast"/>), so a name that resolves (or is rebound) to anything else is refused.
/// </summary>
internal sealed class WebhookAddressPolicy(bool allowLoopbackHttp)
{
    /// <summary>The field error when the URL's host is not a public host name.</summary>
    public const string HostNotAllowed = "url-host-not-allowed";

    public bool AllowLoopbackHttp => allowLoopbackHttp;

    public bool IsAcceptableUrl(string? url) => UrlError(url) is null;

    /// <summary>Null when the URL may be set, else the field error code.</summary>
    public string? UrlError(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || url!.Length > 2048
            || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Fragment)
            || uri.Port == 0)
        {
            return FieldMessages.InvalidFormat;
        }

        if (allowLoopbackHttp && uri.IsLoopback && uri.Scheme is "http" or "https")
        {
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return FieldMessages.InvalidFormat;
        }

        // No top-level domain starts with a digit: a numeric last label is an IPv4 address in some spelling (0x7f.1, 10.0.0.1.).
        var host = uri.IdnHost.TrimEnd('.');
        var lastLabel = host[(host.LastIndexOf('.') + 1)..];
        return uri.HostNameType != UriHostNameType.Dns
            || !host.Contains('.', StringComparison.Ordinal)
            || lastLabel.Length == 0
            || char.IsAsciiDigit(lastLabel[0])
            || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
                ? HostNotAllowed
                : null;
    }

    public bool IsAcceptableAddress(IPAddress address)
    {
        var v4 = GlobalUnicast.EmbeddedIPv4(address);
        if (IPAddress.IsLoopback(v4 ?? address))
        {
            return allowLoopbackHttp;
        }

        return GlobalUnicast.IsGlobal(address);
    }

    /// <summary>Resolves the host and connects only to an acceptable address (the socket handler's connect hook).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
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
