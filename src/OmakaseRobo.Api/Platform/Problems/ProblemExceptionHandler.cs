using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>Turns every exception into a problem: a bad request by its kind, anything else a bare 500.</summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var slug = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => "body-too-large",
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => "unsupported-media-type",
            BadHttpRequestException { InnerException: JsonException } => "malformed-json",
            BadHttpRequestException => "bad-request",
            _ => "internal",
        };
        var status = ProblemCatalog.Get(slug).Status;
        if (status >= 500)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
