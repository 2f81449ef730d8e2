using Microsoft.AspNetCore.Http.Features;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Request bodies over 64 KiB answer 413: at once when Content-Length says so, and through the server's
/// own limit (reading past it throws, which the exception handler turns into 413) when it is chunked.
/// </summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next)
{
    public const long MaxBodyBytes = 64 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        return next(context);
    }
}
