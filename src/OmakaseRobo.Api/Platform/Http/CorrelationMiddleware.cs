using System.Text.Json;
using OmakaseRobo.Api.Platform.Logging;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Gives each request a correlation id (the API Gateway request id the Lambda Web Adapter passes in
/// x-amzn-request-context, else a well-formed X-Correlation-Id, else a new one), echoes it, and makes it
/// the trace id of problems and the correlation_id of logs.
/// </summary>
internal sealed class CorrelationMiddleware(RequestDelegate next)
{
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string RequestContextHeader = "x-amzn-request-context";
    private const string LambdaContextHeader = "x-amzn-lambda-context";
    private static int coldStart = 1;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        // The adapter's request context is parsed once: it gives the correlation id and, for audit, the client's IP.
        using var requestContext = ParseHeader(headers[RequestContextHeader]);
        using var lambdaContext = ParseHeader(headers[LambdaContextHeader]);
        var correlationId = WellFormed(StringAt(requestContext, "requestId"))
            ?? WellFormed(headers[CorrelationHeader])
            ?? Guid.NewGuid().ToString("N");
        context.TraceIdentifier = correlationId;
        context.Response.Headers[CorrelationHeader] = correlationId;
        RequestOrigin.Remember(context, StringAt(requestContext, "identity", "sourceIp"));
        RequestLogContext.Current = new RequestLogContext(
            correlationId,
            WellFormed(StringAt(lambdaContext, "request_id")),
            WellFormed(headers["x-amzn-trace-id"]),
            Interlocked.Exchange(ref coldStart, 0) == 1);
        return next(context);
    }

    /// <summary>Client-supplied ids are echoed and logged, so only short, plain ones are taken.</summary>
    private static string? WellFormed(string? value) =>
        value is { Length: > 0 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or ';' or ':')
            ? value
            : null;

    private static JsonDocument? ParseHeader(string? json)
    {
        if (string.IsNullOrEmpty(json) || json.Length > 16_384)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The string at a path of nested objects, or null when any step is missing or of another kind.</summary>
    private static string? StringAt(JsonDocument? document, params string[] path)
    {
        if (document is null)
        {
            return null;
        }

        var element = document.RootElement;
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }
}
