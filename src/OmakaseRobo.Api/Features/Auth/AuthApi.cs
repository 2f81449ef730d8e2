using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;

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
        LoginRequest request, AuthService auth, HttpContext context)
    {
        var errors = Validate.Fields(
            ("tenantId", Validate.Required(request.TenantId, 64)),
            ("email", Validate.Required(request.Email, 254)),
            ("password", Validate.Required(request.Password, 1024)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var outcome = await auth.SignInAsync(request.TenantId!.Trim(), Validate.NormalizeEmail(request.Email!), request.Password!, RequestOrigin.Of(context), context.RequestAborted);
        return ToResult(outcome, context);
    }

    public static async Task<Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>, ValidationProblem, ProblemHttpResult>> VerifyMfa(
        MfaVerifyRequest request, AuthService auth, HttpContext context)
    {
        var errors = Validate.Fields(("mfaToken", Validate.Required(request.MfaToken, 200)), ("code", Validate.Required(request.Code, 32)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        return ToResult(await auth.VerifyMfaAsync(request.MfaToken!, request.Code!.Trim(), RequestOrigin.Of(context), context.RequestAborted), context);
    }

    public static async Task<NoContent> Logout(Caller caller, AuthService auth, CancellationToken cancellationToken)
    {
        await auth.LogoutAsync(caller, cancellationToken);
        return TypedResults.NoContent();
    }

    public static Ok<MeResponse> Me(Caller caller) => TypedResults.Ok(new MeResponse(
        caller.UserId, caller.TenantId, caller.Email, caller.DisplayName, caller.Roles, [.. caller.Permissions.Order(StringComparer.Ordinal)],
        caller.MfaEnabled, caller.PasswordChangeRequired, caller.MfaEnrollmentRequired));

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, Caller caller, AuthService auth, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(("currentPassword", Validate.Required(request.CurrentPassword, 1024)), ("newPassword", Validate.Required(request.NewPassword, 1024)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        return await auth.ChangePasswordAsync(caller, request.CurrentPassword!, request.NewPassword!, cancellationToken) switch
        {
            Outcome.Done => TypedResults.NoContent(),
            var other => Outcome.Failure<NoContent>(other),
        };
    }

    public static async Task<Results<Ok<TotpEnrollmentResponse>, ProblemHttpResult>> StartTotp(Caller caller, AuthService auth, CancellationToken cancellationToken) =>
        await auth.StartTotpEnrollmentAsync(caller, cancellationToken) is { } enrollment
            ? TypedResults.Ok(enrollment)
            : Problems.Of("conflict", "MFA is already enabled.");

    public static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem>> ConfirmTotp(
        TotpConfirmRequest request, Caller caller, AuthService auth, CancellationToken cancellationToken)
    {
        if (Validate.Required(request.Code, 32) is { } error)
        {
            return Problems.Validation("code", error);
        }

        return await auth.ConfirmTotpAsync(caller, request.Code!.Trim(), cancellationToken) is { } codes
            ? TypedResults.Ok(new RecoveryCodesResponse(codes))
            : Problems.Validation("code", "code-invalid");
    }

    public static async Task<Ok<SessionList>> Sessions(Caller caller, AuthService auth, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SessionList(await auth.ListSessionsAsync(caller, cancellationToken)));

    public static async Task<Results<NoContent, ProblemHttpResult>> EndSession(string sessionId, Caller caller, AuthService auth, CancellationToken cancellationToken) =>
        await auth.EndSessionAsync(caller, sessionId, cancellationToken) ? TypedResults.NoContent() : Problems.Of("not-found");

    private static Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>, ValidationProblem, ProblemHttpResult> ToResult(SignInOutcome outcome, HttpContext context)
    {
        switch (outcome)
        {
            case SignInOutcome.SessionIssued issued:
                return TypedResults.Ok(issued.Session);
            case SignInOutcome.MfaRequired mfa:
                return TypedResults.Ok(new MfaChallengeResponse(true, mfa.MfaToken));
            case SignInOutcome.LockedOut locked:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(locked.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Problems.Of("locked-out");
            default:
                return Problems.Of("invalid-credentials");
        }
    }
}
