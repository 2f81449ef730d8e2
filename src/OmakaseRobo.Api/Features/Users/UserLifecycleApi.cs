using OmakaseRobo.Api.Platform.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>The account lifecycle of another user: operators in any customer tenant, tenant admins in their own.</summary>
internal static class UserLifecycleApi
{
    public static IEndpointRouteBuilder MapUserLifecycleApi(this IEndpointRouteBuilder routes)
    {
        var user = routes.MapGroup("/v1/tenants/{tenantId}/users/{userId}").WithTags("Users");
        user.MapPut("/status", SetStatus).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage)
            .WithSummary("Suspend or reactivate a user").WithDescription("`status` active or suspended, with a `reason`. Suspension ends every session and pending MFA challenge at once; sign-in then answers the same 401 as a wrong password. 403 for a user holding a permission the caller lacks; 409 for yourself or the tenant's last active admin.")
            .ProducesProblem(409);
        user.MapPost("/password-reset", ResetPassword).RequirePermission(tenant: null, platform: Permissions.PlatformUsersManage)
            .WithSummary("Reset a user's password").WithDescription("Operators only, with a `reason`. A new temporary password, shown only this once, valid until `expiresAt` "
                + "(Omakase:Security:TemporaryPasswordLifetime, 72 hours by default); every session ends, the lockout is cleared and the next sign-in must change it.")
            .ProducesProblem(409)
            .WithExamples("""{"reason":"Forgotten password, ticket 4711"}""", """{"temporaryPassword":"C3o3kzbt5CPczJct3LDC","expiresAt":"2026-12-05T09:00:00+00:00"}""");
        user.MapPost("/mfa-reset", ResetMfa).RequirePermission(tenant: null, platform: Permissions.PlatformUsersManage)
            .WithSummary("Reset a user's MFA").WithDescription("Operators only, with a `reason`, for a lost phone. The TOTP seed and the recovery codes are deleted and every "
                + "session ends; the user signs in with the password and enrols again (restricted until then where the policy requires MFA).")
            .ProducesProblem(409);
        user.MapPost("/unlock", Unlock).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage)
            .WithSummary("Unlock a user").WithDescription("Ends a brute-force lockout: the failure count and the lock are cleared. 403 for a user holding a permission the caller lacks.")
            .ProducesProblem(409);
        user.MapGet("/sessions", ListSessions).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage)
            .WithSummary("List a user's sessions").WithDescription("The user's live sessions with created, last seen, source IP and user agent. 403 for a user holding a permission the caller lacks.")
            .ProducesProblem(409);
        user.MapDelete("/sessions", EndSessions).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage)
            .WithSummary("End all of a user's sessions").WithDescription("Every session of the user ends at once (a new security stamp). 403 for a user holding a permission the caller lacks.")
            .ProducesProblem(409);
        return routes;
    }

    // The bodies are optional to the binder so that a missing one is answered like a missing field: errors.reason (and status).
    internal static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> SetStatus(
        string tenantId, string userId, SetUserStatusRequest? request, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.SetStatusAsync(tenantId, userId, request ?? new(null, null), caller, cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<Ok<PasswordResetResponse>, ValidationProblem, ProblemHttpResult>> ResetPassword(
        string tenantId, string userId, ResetRequest? request, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.ResetPasswordAsync(tenantId, userId, request ?? new(null), caller, cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> ResetMfa(
        string tenantId, string userId, ResetRequest? request, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.ResetMfaAsync(tenantId, userId, request ?? new(null), caller, cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> Unlock(
        string tenantId, string userId, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.UnlockAsync(tenantId, userId, caller, cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<Ok<UserSessionList>, ValidationProblem, ProblemHttpResult>> ListSessions(
        string tenantId, string userId, Caller caller, UserLifecycleService lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        (await lifecycle.ListSessionsAsync(tenantId, userId, caller, clock.GetUtcNow(), cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> EndSessions(
        string tenantId, string userId, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.EndSessionsAsync(tenantId, userId, caller, cancellationToken)).Map(_ => TypedResults.NoContent());
}
