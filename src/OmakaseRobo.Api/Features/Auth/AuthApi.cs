using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>Sign-in, MFA, and what a signed-in user does about themselves (/v1/auth, /v1/me).</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/v1/auth").WithTags("Authentication");
        auth.MapPost("/login", Login).AllowAnonymousAccess();
        auth.MapPost("/mfa/verify", VerifyMfa).AllowAnonymousAccess();
        auth.MapPost("/logout", Logout).RequireSignedIn(whileRestricted: true);

        var me = routes.MapGroup("/v1/me").WithTags("Me");
        me.MapGet("/", Me).RequireSignedIn(whileRestricted: true);
        me.MapPost("/password", ChangePassword).RequireSignedIn(whileRestricted: true);
        me.MapPost("/mfa/totp", StartTotp).RequireSignedIn(whileRestricted: true);
        me.MapPost("/mfa/totp/confirm", ConfirmTotp).RequireSignedIn(whileRestricted: true);
        me.MapGet("/sessions", Sessions).RequireSignedIn();
        me.MapDelete("/sessions/{sessionId}", EndSession).RequireSignedIn();
        return routes;
    }

    public static async Task<Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, SignInService signIn, HttpContext context)
    {
        var errors = Validate.Fields(
            ("tenantId", Validate.Required(request.TenantId, 64)),
            ("email", Validate.Required(request.Email, 254)),
            ("password", Validate.Required(request.Password, 1024)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var outcome = await signIn.SignInAsync(request.TenantId!.Trim(), Validate.NormalizeEmail(request.Email!), request.Password!, RequestOrigin.Of(context), context.RequestAborted);
        return outcome.Map(Answer, context);
    }

    public static async Task<Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>, ValidationProblem, ProblemHttpResult>> VerifyMfa(
        MfaVerifyRequest request, SignInService signIn, HttpContext context)
    {
        var errors = Validate.Fields(("mfaToken", Validate.Required(request.MfaToken, 200)), ("code", Validate.Required(request.Code, 32)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        return (await signIn.VerifyMfaAsync(request.MfaToken!, request.Code!.Trim(), RequestOrigin.Of(context), context.RequestAborted)).Map(Answer, context);
    }

    public static async Task<NoContent> Logout(Caller caller, AccountService account, CancellationToken cancellationToken)
    {
        await account.LogoutAsync(caller, cancellationToken);
        return TypedResults.NoContent();
    }

    public static Ok<MeResponse> Me(Caller caller) => TypedResults.Ok(new MeResponse(
        caller.UserId, caller.TenantId, caller.Email, caller.DisplayName, caller.Roles, [.. caller.Permissions.Order(StringComparer.Ordinal)],
        caller.MfaEnabled, caller.PasswordChangeRequired, caller.MfaEnrollmentRequired));

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, Caller caller, AccountService account, HttpContext context)
    {
        var errors = Validate.Fields(("currentPassword", Validate.Required(request.CurrentPassword, 1024)), ("newPassword", Validate.Required(request.NewPassword, 1024)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        return (await account.ChangePasswordAsync(caller, request.CurrentPassword!, request.NewPassword!, context.RequestAborted)).Map(_ => TypedResults.NoContent(), context);
    }

    public static async Task<Results<Ok<TotpEnrollmentResponse>, ValidationProblem, ProblemHttpResult>> StartTotp(Caller caller, AccountService account, CancellationToken cancellationToken) =>
        (await account.StartTotpEnrollmentAsync(caller, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> ConfirmTotp(
        TotpConfirmRequest request, Caller caller, AccountService account, CancellationToken cancellationToken)
    {
        if (Validate.Required(request.Code, 32) is { } error)
        {
            return Problems.Validation("code", error);
        }

        return (await account.ConfirmTotpAsync(caller, request.Code!.Trim(), cancellationToken)).Map(TypedResults.Ok);
    }

    public static async Task<Ok<SessionList>> Sessions(Caller caller, AccountService account, CancellationToken cancellationToken) =>
        TypedResults.Ok(await account.ListSessionsAsync(caller, cancellationToken));

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> EndSession(string sessionId, Caller caller, AccountService account, CancellationToken cancellationToken) =>
        (await account.EndSessionAsync(caller, sessionId, cancellationToken)).Map(_ => TypedResults.NoContent());

    /// <summary>A session, or the second-factor challenge: the two shapes of a successful sign-in step.</summary>
    private static Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>> Answer(SignInStep step) => step switch
    {
        SignInStep.MfaRequired mfa => TypedResults.Ok(new MfaChallengeResponse(true, mfa.MfaToken)),
        SignInStep.SessionIssued issued => TypedResults.Ok(issued.Session),
        _ => throw new InvalidOperationException("Unknown sign-in step."),
    };
}
