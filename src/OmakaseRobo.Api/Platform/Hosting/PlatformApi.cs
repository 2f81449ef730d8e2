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
        routes.MapOpenApi().AllowAnonymousAccess();
        if (!runtime.InAws)
        {
            routes.MapScalarApiReference().AllowAnonymousAccess();
        }

        return routes;
    }

    /// <summary>The Lambda Web Adapter's readiness check: never touches storage.</summary>
    private static Ok<HealthResponse> Health() => TypedResults.Ok(new HealthResponse("ok"));
}

public sealed record HealthResponse(string Status);
