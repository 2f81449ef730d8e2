using System.Text;
using OmakaseRobo.Api.Features.ServiceClients;

namespace OmakaseRobo.Api.Features.Introspection;

/// <summary>
/// A service client's id and secret from HTTP Basic, as RFC 6749 section 2.3.1 has it: each form-urlencoded, then
/// joined by a colon and base64-encoded. Anything else (no header, a Bearer token, a malformed value) is no client.
/// </summary>
internal sealed record ClientCredentials(string ClientId, string Secret)
{
    private const int MaxHeaderLength = 512;

    public static ClientCredentials? FromAuthorizationHeader(string? header)
    {
        if (header is not { Length: > 6 and <= MaxHeaderLength } || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var buffer = new byte[MaxHeaderLength];
        if (!Convert.TryFromBase64String(header[6..].Trim(), buffer, out var length))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var id = FormDecode(text[..colon]);
        var secret = FormDecode(text[(colon + 1)..]);
        return ServiceClientSecret.IsClientId(id) && secret.Length is > 0 and <= 128 ? new ClientCredentials(id, secret) : null;
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
