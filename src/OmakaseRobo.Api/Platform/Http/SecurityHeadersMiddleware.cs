namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Security headers on every response. Behind the Lambda Web Adapter Kestrel sees plain HTTP from
/// loopback, so HSTS is set here unconditionally rather than by UseHsts.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            headers.Remove("Server");
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
