namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Security headers on every response. Behind the Lambda Web Adapter Kestrel sees plain HTTP from
/// loopback, so HSTS is set here unconditionally rather than by UseHsts.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.StrictTransportSecurity = StrictTransportSecurity;
            headers.XContentTypeOptions = "nosniff";
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"; // a page sets its own, narrowly (the compliance report)
            }

            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            headers.Remove("Server");
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
