using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>The one way handlers answer an error: a problem type by slug, localized later in one place.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(string slug, string? detail = null) =>
        TypedResults.Problem(detail: detail, statusCode: ProblemCatalog.Get(slug).Status, type: ProblemCatalog.TypeOf(slug));

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, type: ProblemCatalog.TypeOf("validation"));

    public static ValidationProblem Validation(string field, string code) =>
        Validation(new Dictionary<string, string[]> { [field] = [code] });

    /// <summary>Fills title, type and traceId in the caller's language on every problem the app writes.</summary>
    internal static void Shape(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var japanese = Language.PrefersJapanese(context.HttpContext);
        var slug = ProblemCatalog.SlugFor(problem.Type, problem.Status ?? context.HttpContext.Response.StatusCode);
        var entry = ProblemCatalog.Get(slug);
        problem.Type = ProblemCatalog.TypeOf(slug);
        problem.Title = japanese ? entry.Japanese : entry.English;
        problem.Status ??= entry.Status;
        problem.Instance = null;
        problem.Extensions.Clear();
        problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var field in validation.Errors.Keys.ToList())
            {
                validation.Errors[field] = [.. validation.Errors[field].Select(code => FieldMessages.Localize(code, japanese))];
            }
        }
    }
}
