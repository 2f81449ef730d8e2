using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Jobs;

/// <summary>
/// The one way in for scheduled work: the Lambda Web Adapter POSTs each EventBridge event to /events in the jobs
/// function. API Gateway never routes here, and a request carrying an API Gateway request context (the adapter's header,
/// or a <c>requestContext</c> in the body, in any letter case) is refused, so a customer cannot start a job even if a route
/// were ever added by mistake. The body is JSON, declared as such or not declared at all: a browser's cross-origin simple
/// request (text/plain, a form) cannot start a job on a local run; and a key given twice is refused as on every route.
/// </summary>
internal static class EventsApi
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/events", Receive).ExcludeFromDescription().AllowAnonymousAccess();
        return routes;
    }

    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> Receive(HttpContext context, JobRunner runner)
    {
        if (context.Request.Headers.ContainsKey(CorrelationMiddleware.RequestContextHeader))
        {
            return Problems.Of("not-found");
        }

        if (context.Request.ContentType is not null && !context.Request.HasJsonContentType())
        {
            return Problems.Of("unsupported-media-type");
        }

        JsonElement root;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, Strict, context.RequestAborted);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problems.Of("malformed-json");
        }

        if (root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Any(p => p.Name.Equals("requestContext", StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Of("not-found");
        }

        var id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        var source = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var job = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("job", out var j) && j.ValueKind == JsonValueKind.String ? j.GetString() : null;
        var errors = Validate.Fields(
            ("id", Validate.Required(id, 128)),
            ("source", source == "aws.events" ? null : FieldMessages.UnknownValue),
            ("detail.job", Validate.Required(job, 64) ?? (runner.Names.Contains(job!) ? null : FieldMessages.UnknownValue)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var result = await runner.RunAsync(job!, id!, context.RequestAborted);
        if (result.OtherJob is { } other)
        {
            // One event is one job: a replayed id naming another job is not answered with that job's report.
            return Problems.Of("conflict", $"The event {id} was already used for the job {other}.");
        }

        // A failed job answers 500, so the adapter fails the invocation and the job-errors alarm sees it.
        context.Response.StatusCode = result.Ok ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError;
        return TypedResults.Text(result.Report, "application/json", statusCode: context.Response.StatusCode);
    }
}
