using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Metrics;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>
/// Turns every exception into a problem: a bad request by its kind, a failing dependency a 503 with Retry-After
/// (logged once, at Error, with the trace id and the dependency's code), anything else a bare 500.
/// </summary>
internal sealed partial class ProblemExceptionHandler(
    IProblemDetailsService problems, OmakaseOptions options, MetricsWriter metrics, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>Set on the request when a dependency failed, so later steps (the access record) do not wait on it again.</summary>
    public const string FaultItem = "omakase.dependency-fault";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var fault = DependencyFault.Of(exception, RequestBudget.IsSpent(httpContext));
        var slug = exception switch
        {
            _ when fault is not null => "storage-unavailable",
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => "body-too-large",
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => "unsupported-media-type",
            BadHttpRequestException { InnerException: JsonException } => "malformed-json",
            BadHttpRequestException => "bad-request",
            _ => "internal",
        };
        var status = ProblemCatalog.Get(slug).Status;
        if (fault is not null)
        {
            LogUnavailable(logger, fault.Dependency, fault.Code, httpContext.TraceIdentifier);
            metrics.Count(MetricsWriter.DependencyUnavailable, "Dependency", fault.Dependency);
            httpContext.Items[FaultItem] = fault;
            httpContext.Response.Headers.RetryAfter = options.Dependencies.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        else if (status >= 500)
        {
            LogUnexpected(logger, exception);
        }
        else
        {
            LogRejected(logger, slug);
        }

        httpContext.Response.StatusCode = status;
        // A body that is JSON but holds a wrong type (a null in a list of strings, a string for a number) names its field.
        var problem = exception is BadHttpRequestException { InnerException: JsonException json } && JsonField.Of(json) is { } field
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [FieldMessages.InvalidFormat] }) { Status = 400, Type = ProblemCatalog.TypeOf("validation") }
            : new ProblemDetails { Status = status, Type = ProblemCatalog.TypeOf(slug) };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dependency unavailable: {Dependency} answered {ErrorCode}; answered 503 (trace {TraceId})")]
    private static partial void LogUnavailable(ILogger logger, string dependency, string errorCode, string traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
