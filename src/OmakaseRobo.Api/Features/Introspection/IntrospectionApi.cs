using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Introspection;

/// <summary>POST /oauth2/introspect (RFC 7662), served by the auth function.</summary>
internal static class IntrospectionApi
{
    public const string Challenge = "Basic realm=\"omakase-robo\", charset=\"UTF-8\"";

    public static IEndpointRouteBuilder MapIntrospectionApi(this IEndpointRouteBuilder routes)
    {
        // Anonymous to the bearer-token check only: the caller is a service client, authenticated by HTTP Basic below.
        routes.MapPost("/oauth2/introspect", Introspect).AllowAnonymousAccess().WithTags("Introspection")
            .WithSummary("Introspect a token (RFC 7662)")
            .WithDescription("For the product's own services: form-encoded `token`, client authentication by HTTP Basic with a service client's id and secret. "
                + "A live, unrestricted session answers `active: true` with its subject, tenant, roles, permissions, session, `amr`, `iat` and `exp`; anything else answers exactly `{\"active\":false}`. "
                + "A missing or wrong client answers 401 with `WWW-Authenticate: Basic`. Introspection never slides the session's idle timeout.")
            .WithMetadata(new ServiceClientForm(
                [("token", "The bearer token to look at."), ("token_type_hint", "Optional and not needed: there is one kind of token.")],
                ["token"]));
        return routes;
    }

    public static async Task<Results<Ok<IntrospectionResponse>, ValidationProblem, ProblemHttpResult>> Introspect(HttpContext context, IntrospectionService introspection)
    {
        var client = ClientCredentials.FromAuthorizationHeader(context.Request.Headers.Authorization);
        var (token, formOk) = await ReadTokenAsync(context.Request, context.RequestAborted);
        var outcome = await introspection.IntrospectAsync(client, formOk ? token : null, RequestOrigin.Of(context), context.RequestAborted);
        switch (outcome)
        {
            case IntrospectionOutcome.Answered answered:
                context.Features.Set(new ServiceClientCaller(answered.ClientId));
                context.Response.Headers.Pragma = "no-cache";
                return TypedResults.Ok(answered.Response);
            case IntrospectionOutcome.MissingToken missing:
                context.Features.Set(new ServiceClientCaller(missing.ClientId));
                return Problems.Validation("token", FieldMessages.Required);
            default:
                context.Response.Headers.WWWAuthenticate = Challenge;
                return Problems.Of("unauthorized");
        }
    }

    /// <summary>The form's one <c>token</c>; <c>token_type_hint</c> may be sent and is not needed (there is one kind of token).</summary>
    private static async Task<(string? Token, bool Ok)> ReadTokenAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return (null, false);
        }

        try
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form["token"] is { Count: 1 } token ? (token[0], true) : (null, false);
        }
        catch (InvalidDataException)
        {
            return (null, false);
        }
    }
}
