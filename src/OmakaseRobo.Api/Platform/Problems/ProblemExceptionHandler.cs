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
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Type = ProblemCatalog.TypeOf(slug) },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected request: {Problem}")]
    private static partial void LogRejected(ILogger logger, string problem);
}
