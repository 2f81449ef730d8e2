using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Metrics;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>Sign-in, MFA, and what a signed-in user does about themselves (/v1/auth, /v1/me).</summary>
internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/v1/auth").WithTags("Authentication");
        auth.MapPost("/login", Login).AllowAnonymousAccess()
            .WithSummary("Sign in").WithDescription("Checks the password (bcrypt). Without MFA the answer is a session (`accessToken`); with MFA it is a challenge "
                + "(`mfaRequired`, `mfaToken`, 5 minutes, 5 attempts) for POST /v1/auth/mfa/verify. A wrong password, an unknown user or tenant and a disabled "
                + "user all answer the same 401; 5 failures in a row lock the account (429 with Retry-After, doubling from 1 s to 15 min).")
            .ProducesOneOf(200, "A session, or an MFA challenge when the user has MFA.", typeof(SessionResponse), typeof(MfaChallengeResponse))
            .ProducesProblem(401).ProducesProblem(429)
            .WithExamples("""{"tenantId":"platform","email":"operator@omakase.local","password":"Harbour-Lantern-7Qz"}""", """{"mfaRequired":true,"mfaToken":"mfa_3q2Xb..."}""");
        auth.MapPost("/mfa/verify", VerifyMfa).AllowAnonymousAccess()
            .WithSummary("Complete an MFA sign-in").WithDescription("Exchanges the `mfaToken` of the sign-in and a TOTP code (or one of the recovery codes) for a "
                + "session. A code is accepted once: the same time step again is refused as a replay.")
            .ProducesOneOf(200, "The session.", typeof(SessionResponse)).ProducesProblem(401).ProducesProblem(429)
            .WithExamples("""{"mfaToken":"mfa_3q2Xb...","code":"492039"}""", """{"accessToken":"platform.u_1.kP...","expiresAt":"2026-11-26T12:00:00+00:00","passwordChangeRequired":false,"mfaEnrollmentRequired":false}""");
        auth.MapPost("/logout", Logout).RequireSignedIn(whileRestricted: true)
            .WithSummary("Sign out").WithDescription("Ends the calling session at once.");

        var me = routes.MapGroup("/v1/me").WithTags("Me");
        me.MapGet("/", Me).RequireSignedIn(whileRestricted: true)
            .WithSummary("Who am I").WithDescription("The caller: tenant, roles, effective permissions, and whether a password change or MFA enrolment is still required (then the session reaches only /v1/me, the password, MFA and logout).");
        me.MapPost("/password", ChangePassword).RequireSignedIn(whileRestricted: true)
            .WithSummary("Change my password").WithDescription("Needs the current password. The new one: 12-128 characters with upper case, lower case and a digit, "
                + "not containing the email's local part, not a common password. Every other session of the user ends.")
            .WithExamples("""{"currentPassword":"C3o3kzbt5CPczJct3LDC","newPassword":"Harbour-Lantern-7Qz"}""");
        me.MapPost("/mfa/totp", StartTotp).RequireSignedIn(whileRestricted: true)
            .WithSummary("Start TOTP enrolment").WithDescription("A new TOTP secret (base32), its otpauth:// URI and a QR code (SVG). MFA is active only after POST /v1/me/mfa/totp/confirm; 409 when it already is. "
                + "A fresh authentication is needed: a session signed in within the last 10 minutes, else the body `{\"currentPassword\":\"...\"}` (403 `reauthentication-required` without it).")
            .ProducesProblem(403).ProducesProblem(409);
        me.MapPost("/mfa/totp/confirm", ConfirmTotp).RequireSignedIn(whileRestricted: true)
            .WithSummary("Confirm TOTP enrolment").WithDescription("One correct code turns MFA on and answers ten single-use recovery codes, shown only this once.")
            .WithExamples("""{"code":"492039"}""", """{"recoveryCodes":["k3v9-2mqa-77xe","..."]}""");
        me.MapPost("/mfa/recovery-codes", RenewRecoveryCodes).RequireSignedIn(whileRestricted: true)
            .WithSummary("Renew my recovery codes").WithDescription("Needs a current TOTP code (a recovery code does not do). Answers ten new single-use recovery codes, "
                + "shown only this once; every older one stops working. A wrong code counts towards the lockout like a wrong password; 409 without MFA. "
                + "Like enrolment it needs a fresh authentication: signed in within 10 minutes, else `currentPassword` in the body.")
            .ProducesProblem(409).ProducesProblem(429)
            .WithExamples("""{"code":"492039"}""", """{"recoveryCodes":["k3v9-2mqa-77xe","..."]}""");
        me.MapGet("/sessions", Sessions).RequireSignedIn()
            .WithSummary("List my sessions").WithDescription("The caller's live sessions with creation, last use, expiry, source IP and user agent; `current` marks the calling one.");
        me.MapDelete("/sessions/{sessionId}", EndSession).RequireSignedIn()
            .WithSummary("End one of my sessions").WithDescription("Ends a session of the caller (for a lost device); another user's session id is not found.");
        return routes;
    }

    public static async Task<Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, SignInService signIn, MetricsWriter metrics, HttpContext context)
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
        metrics.Count(outcome.Failure switch
        {
            Failure.LockedOut => MetricsWriter.SignInLockedOut,
            not null => MetricsWriter.SignInFailed,
            null => MetricsWriter.SignInSucceeded,
        });
        return outcome.Map(Answer, context);
    }

    public static async Task<Results<Ok<SessionResponse>, Ok<MfaChallengeResponse>, ValidationProblem, ProblemHttpResult>> VerifyMfa(
        MfaVerifyRequest request, SignInService signIn, MetricsWriter metrics, HttpContext context)
    {
        var errors = Validate.Fields(("mfaToken", Validate.Required(request.MfaToken, 200)), ("code", Validate.Required(request.Code, 32)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var outcome = await signIn.VerifyMfaAsync(request.MfaToken!, request.Code!.Trim(), RequestOrigin.Of(context), context.RequestAborted);
        if (!outcome.Succeeded)
        {
            metrics.Count(MetricsWriter.MfaFailed);
        }

        return outcome.Map(Answer, context);
    }

    public static async Task<NoContent> Logout(Caller caller, AccountService account, CancellationToken cancellationToken)
    {
        await account.LogoutAsync(caller, cancellationToken);
        return TypedResults.NoContent();
    }

    public static Ok<MeResponse> Me(Caller caller) => TypedResults.Ok(new MeResponse(
        caller.UserId, caller.TenantId, caller.Email, caller.DisplayName, caller.Roles, [.. caller.Permissions.Order(StringComparer.Ordinal)],
        caller.MfaEnabled, caller.PasswordChangeRequired, caller.MfaEnrollmentRequired, caller.RecoveryCodesRemaining));

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

    public static async Task<Results<Ok<TotpEnrollmentResponse>, ValidationProblem, ProblemHttpResult>> StartTotp(
        TotpStartRequest? request, Caller caller, AccountService account, HttpContext context)
    {
        if (Validate.Optional(request?.CurrentPassword, 1024) is { } error)
        {
            return Problems.Validation("currentPassword", error);
        }

        return (await account.StartTotpEnrollmentAsync(caller, request?.CurrentPassword, context.RequestAborted)).Map(TypedResults.Ok, context);
    }

    public static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> ConfirmTotp(
        TotpConfirmRequest request, Caller caller, AccountService account, CancellationToken cancellationToken)
    {
        if (Validate.Required(request.Code, 32) is { } error)
        {
            return Problems.Validation("code", error);
        }

        return (await account.ConfirmTotpAsync(caller, request.Code!.Trim(), cancellationToken)).Map(TypedResults.Ok);
    }

    public static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> RenewRecoveryCodes(
        RecoveryCodesRequest request, Caller caller, AccountService account, HttpContext context)
    {
        if (Validate.Required(request.Code, 32) is { } error)
        {
            return Problems.Validation("code", error);
        }

        if (Validate.Optional(request.CurrentPassword, 1024) is { } invalid)
        {
            return Problems.Validation("currentPassword", invalid);
        }

        return (await account.RenewRecoveryCodesAsync(caller, request.Code!.Trim(), request.CurrentPassword, context.RequestAborted)).Map(TypedResults.Ok, context);
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
