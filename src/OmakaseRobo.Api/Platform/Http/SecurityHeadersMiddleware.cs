namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Security headers on every response. Behind the Lambda Web Adapter Kestrel sees plain HTTP from
/// loopback, so HSTS is set here unconditionally rather than by UseHsts. Every answer gets
/// <c>default-src 'none'</c>, except an endpoint carrying a <see cref="PageSecurityPolicy"/> (the local docs page).
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string StrictTransportSecurity = "max-age=31536000; includeSubDomains";
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.StrictTransportSecurity = StrictTransportSecurity;
            headers.XContentTypeOptions = "nosniff";
            // A page declares its own policy (the docs page), or sets it narrowly itself (the compliance report); the API keeps none.
            headers.ContentSecurityPolicy = http.GetEndpoint()?.Metadata.GetMetadata<PageSecurityPolicy>()?.Build(http)
                ?? (string.IsNullOrEmpty(headers.ContentSecurityPolicy) ? ApiPolicy : headers.ContentSecurityPolicy.ToString());
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            headers.Remove("Server");
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
