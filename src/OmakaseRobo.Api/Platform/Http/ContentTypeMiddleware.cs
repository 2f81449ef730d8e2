using System.Text;
using Microsoft.Net.Http.Headers;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Refuses, with 415 before any handler runs, a body whose declared charset the JSON reader cannot honour: JSON is
/// UTF-8 (RFC 8259), so a JSON media type takes no other charset, and any other media type only one .NET knows.
/// Without this the framework's JSON reader throws on an unknown charset and the client gets a 500.
/// </summary>
internal sealed class ContentTypeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType)
            && MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            && mediaType.Charset.HasValue
            && !IsAcceptableCharset(mediaType))
        {
            throw new BadHttpRequestException("Unsupported charset.", StatusCodes.Status415UnsupportedMediaType);
        }

        return next(context);
    }

    private static bool IsAcceptableCharset(MediaTypeHeaderValue mediaType)
    {
        var charset = mediaType.Charset.ToString();
        if (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var subtype = mediaType.SubType.ToString();
        var json = mediaType.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
            && (subtype.Equals("json", StringComparison.OrdinalIgnoreCase) || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (json)
        {
            return false;
        }

        try
        {
            return Encoding.GetEncoding(charset) is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
