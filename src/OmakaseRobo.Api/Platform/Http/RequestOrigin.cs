namespace OmakaseRobo.Api.Platform.Http;

/// <summary>Where a request came from, for audit: the client IP API Gateway saw (via the adapter), else the peer, and the user agent.</summary>
internal sealed record RequestOrigin(string? SourceIp, string? UserAgent)
{
    public static RequestOrigin Of(HttpContext context)
    {
        return context.Features.Get<RequestOrigin>() ?? Remember(context, gatewaySourceIp: null);
    }

    /// <summary>
    /// Called by the correlation middleware with identity.sourceIp of x-amzn-request-context: the adapter overwrites any
    /// client copy of that header, so it can be trusted; anything that is not an IP address is ignored.
    /// </summary>
    public static RequestOrigin Remember(HttpContext context, string? gatewaySourceIp)
    {
        var userAgent = context.Request.Headers.UserAgent.ToString();
        var origin = new RequestOrigin(
            System.Net.IPAddress.TryParse(gatewaySourceIp, out var gateway) ? gateway.ToString() : context.Connection.RemoteIpAddress?.ToString(),
            userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, 256)]);
        context.Features.Set(origin);
        return origin;
    }
}
