using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.OpenApi;

namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>
/// Routes every function serves (the readiness check) and, in the function that API Gateway sends them to (admin, or
/// the all-in-one local process), the API description and its docs page: mapping the document costs every other
/// function's cold start for a route it never receives.
/// </summary>
internal static class PlatformApi
{
    /// <summary>The feature switch of the docs page; the Native AOT publish sets it to false (OmakaseRobo.Api.csproj).</summary>
    public const string DocsPageSwitch = "OmakaseRobo.Api.DocsPage";

    /// <summary>
    /// The interactive docs page (Scalar) is for a local run. The Native AOT publish, which is what Lambda runs, trims it
    /// out with its scripts: 2.9 MB of the binary and 1.5 MB of every function's resident memory.
    /// </summary>
    [FeatureSwitchDefinition(DocsPageSwitch)]
    public static bool DocsPageSupported => !AppContext.TryGetSwitch(DocsPageSwitch, out var on) || on;

    /// <summary>The feature switch of the OpenAPI generator; the Native AOT publish sets it to false (OmakaseRobo.Api.csproj).</summary>
    public const string DocumentGeneratorSwitch = "OmakaseRobo.Api.DocumentGenerator";

    /// <summary>
    /// The OpenAPI generator builds the document from the endpoints in a local run and in the tests. The Native AOT
    /// publish, which is what Lambda runs, trims it out with its libraries and serves the document the generator wrote
    /// (<see cref="StoredApiDocument"/>): 1.1 MB of the binary and 2 MB of every function's resident memory.
    /// </summary>
    [FeatureSwitchDefinition(DocumentGeneratorSwitch)]
    public static bool DocumentGeneratorSupported => !AppContext.TryGetSwitch(DocumentGeneratorSwitch, out var on) || on;

    /// <summary>True when this process maps the OpenAPI document: API Gateway sends it to the admin function.</summary>
    public static bool ServesDocument(OmakaseOptions options) => options.Serves(Modules.Admin);

    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder routes, Runtime runtime, OmakaseOptions options)
    {
        routes.MapGet("/healthz", Health).ExcludeFromDescription().AllowAnonymousAccess().WithoutAccessRecord();
        if (!ServesDocument(options))
        {
            return routes;
        }

        // DocumentGeneratorSupported and DocsPageSupported are read in the conditions themselves: the compiler drops the
        // generator and the page only where it sees the switch. Behind a helper that mixes them with run-time conditions,
        // they stay in the binary (.ci/run checks).
        if (DocumentGeneratorSupported)
        {
            // The framework answers an unknown document name with a text/plain 404: every error here is a problem instead.
            routes.MapOpenApi().AllowAnonymousAccess().AddEndpointFilter(static async (context, next) =>
                IsKnownDocument(context.HttpContext) ? await next(context).ConfigureAwait(false) : Problems.Problems.Of("not-found"));
        }
        else
        {
            routes.MapStoredApiDocument();
        }

        if (!runtime.InAws && DocsPageSupported)
        {
            // Offline: Scalar's own scripts come from this app ('self'), its inline start-up script carries a fresh nonce,
            // and no font is fetched from a CDN. Only this page gets a policy other than default-src 'none'.
            routes.MapScalarApiReference(scalar => scalar.WithTitle("Omakase Robo API").WithNonce().DisableDefaultFonts().ExpandAllTags())
                .AllowAnonymousAccess()
                .WithMetadata(new PageSecurityPolicy(DocsPagePolicy));
        }

        return routes;
    }

    /// <summary>The docs page's policy: nothing but its own scripts, styles, images and the API document.</summary>
    public static string? DocsPagePolicy(HttpContext context)
    {
        return context.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var value) && value is string nonce
            ? $"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                + "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            : null;
    }

    /// <summary>The route the generator answers on, answered with the stored document (<see cref="StoredApiDocument"/>).</summary>
    public static RouteHandlerBuilder MapStoredApiDocument(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/openapi/{documentName}.json", static (HttpContext context) => IsKnownDocument(context)
                ? Results.Bytes(StoredApiDocument.For(context.Request), StoredApiDocument.ContentType)
                : Problems.Problems.Of("not-found"))
            .ExcludeFromDescription()
            .AllowAnonymousAccess();

    private static bool IsKnownDocument(HttpContext context) =>
        ((context.GetRouteValue("documentName") as string) ?? context.Request.Query["documentName"].FirstOrDefault() ?? "v1")
            .Equals("v1", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Lambda Web Adapter's readiness check: never touches storage.</summary>
    private static Ok<HealthResponse> Health() => TypedResults.Ok(new HealthResponse("ok"));
}

internal sealed record HealthResponse(string Status);
