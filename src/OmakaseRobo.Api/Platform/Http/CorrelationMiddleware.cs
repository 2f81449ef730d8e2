using System.Text.Json;
using OmakaseRobo.Api.Platform.Logging;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Gives each request a correlation id (the API Gateway request id the Lambda Web Adapter passes in
/// x-amzn-request-context, else a well-formed X-Correlation-Id, else a new one), echoes it, and makes it
/// the trace id of problems and the correlation_id of logs.
/// </summary>
public sealed class CorrelationMiddleware(RequestDelegate next)
{
    public const string CorrelationHeader = "X-Correlation-Id";
    public const string RequestContextHeader = "x-amzn-request-context";
    private const string LambdaContextHeader = "x-amzn-lambda-context";
    private static int coldStart = 1;

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        var correlationId = ReadJsonString(headers[RequestContextHeader], "requestId")
            ?? WellFormed(headers[CorrelationHeader])
            ?? Guid.NewGuid().ToString("N");
        context.TraceIdentifier = correlationId;
        context.Response.Headers[CorrelationHeader] = correlationId;
        RequestLogContext.Current = new RequestLogContext(
            correlationId,
            ReadJsonString(headers[LambdaContextHeader], "request_id"),
            WellFormed(headers["x-amzn-trace-id"]),
            Interlocked.Exchange(ref coldStart, 0) == 1);
        return next(context);
    }

    /// <summary>Client-supplied ids are echoed and logged, so only short, plain ones are taken.</summary>
    private static string? WellFormed(string? value) =>
        value is { Length: > 0 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or ';' or ':')
            ? value
            : null;

    private static string? ReadJsonString(string? json, string property)
    {
        if (string.IsNullOrEmpty(json) || json.Length > 16_384)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var value)
                && value.ValueKind == JsonValueKind.String
                ? WellFormed(value.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
