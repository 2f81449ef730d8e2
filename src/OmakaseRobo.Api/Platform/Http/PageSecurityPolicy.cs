namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// The Content-Security-Policy of an endpoint a browser renders, built per request (it may carry a nonce); null
/// keeps the API's <c>default-src 'none'</c>. Only the local docs page (/scalar/v1) has one.
/// </summary>
internal sealed record PageSecurityPolicy(Func<HttpContext, string?> Build);
