using System.Text.Json;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>Where a request came from, for audit: the client IP API Gateway saw (via the adapter), else the peer, and the user agent.</summary>
public sealed record RequestOrigin(string? SourceIp, string? UserAgent)
{
    public static RequestOrigin Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<RequestOrigin>() is { } known)
        {
            return known;
        }

        var userAgent = context.Request.Headers.UserAgent.ToString();
        var origin = new RequestOrigin(
            SourceIpFromRequestContext(context.Request.Headers[CorrelationMiddleware.RequestContextHeader]) ?? context.Connection.RemoteIpAddress?.ToString(),
            userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, 256)]);
        context.Features.Set(origin);
        return origin;
    }

    /// <summary>The adapter overwrites any client copy of x-amzn-request-context, so identity.sourceIp can be trusted there.</summary>
    private static string? SourceIpFromRequestContext(string? json)
    {
        if (string.IsNullOrEmpty(json) || json.Length > 16_384)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("identity", out var identity)
                && identity.ValueKind == JsonValueKind.Object
                && identity.TryGetProperty("sourceIp", out var ip)
                && ip.ValueKind == JsonValueKind.String
                && System.Net.IPAddress.TryParse(ip.GetString(), out var parsed)
                ? parsed.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
