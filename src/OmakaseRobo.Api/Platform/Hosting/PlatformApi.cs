using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>Routes every function serves: the readiness check and the API description.</summary>
public static class PlatformApi
{
    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder routes, Runtime runtime)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(runtime);
        routes.MapGet("/healthz", Health).ExcludeFromDescription().AllowAnonymousAccess();
        // The framework answers an unknown document name with a text/plain 404: every error here is a problem instead.
        routes.MapOpenApi().AllowAnonymousAccess().AddEndpointFilter(static async (context, next) =>
            IsKnownDocument(context.HttpContext) ? await next(context).ConfigureAwait(false) : Problems.Problems.Of("not-found"));
        if (!runtime.InAws)
        {
            routes.MapScalarApiReference().AllowAnonymousAccess();
        }

        return routes;
    }

    private static bool IsKnownDocument(HttpContext context) =>
        ((context.GetRouteValue("documentName") as string) ?? context.Request.Query["documentName"].FirstOrDefault() ?? "v1")
            .Equals("v1", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Lambda Web Adapter's readiness check: never touches storage.</summary>
    private static Ok<HealthResponse> Health() => TypedResults.Ok(new HealthResponse("ok"));
}

public sealed record HealthResponse(string Status);
