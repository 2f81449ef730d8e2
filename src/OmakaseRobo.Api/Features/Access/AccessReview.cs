using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Access;

internal sealed record PrivilegedAccount(
    string TenantId, string UserId, string Email, IReadOnlyList<string> Roles, string Status, bool MfaEnabled,
    DateTimeOffset? LastSignInAt, DateTimeOffset? LastPrivilegedActionAt, IReadOnlyList<string> Flags);

internal sealed record PrivilegedAccessReport(DateTimeOffset GeneratedAt, int UnusedAfterDays, int Flagged, IReadOnlyList<PrivilegedAccount> Accounts);

/// <summary>
/// 9.2.3 / 9.4.4 periodic review: every privileged user (platform users, and tenant users holding a privileged role under
/// any name, see Privilege) with MFA status, last sign-in and last
/// privileged action; flags accounts unused for 90 days, admins without MFA, suspended accounts and accounts whose MFA an
/// operator reset and that have not enrolled again. The job of the same name runs it.
/// </summary>
internal sealed class AccessReviewService(TenantStore tenants, UserStore users, TimeProvider clock)
{
    public const int UnusedAfterDays = 90;
    public const string Unused = "unused-90-days";
    public const string WithoutMfa = "admin-without-mfa";
    public const string Suspended = "suspended";
    public const string MfaResetPending = "mfa-reset-pending";

    public async Task<PrivilegedAccessReport> ReviewAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var accounts = new List<PrivilegedAccount>();
        // A terminated tenant's users are disabled for good and its data awaits deletion: no access left to review.
        foreach (var tenant in (await tenants.ListAsync(cancellationToken).ConfigureAwait(false)).Where(t => t.IsActive))
        {
            var privileged = (await users.ListAsync(tenant.TenantId, cancellationToken).ConfigureAwait(false))
                .Where(u => (u.IsActive || u.Status == UserRecord.Suspended) && Privilege.Holds(tenant.TenantId, u.Roles, tenant.Roles));
            accounts.AddRange(privileged.Select(u => Review(u, now)));
        }

        return new PrivilegedAccessReport(now, UnusedAfterDays, accounts.Count(a => a.Flags.Count > 0), accounts);
    }

    private static PrivilegedAccount Review(UserRecord user, DateTimeOffset now)
    {
        var lastUse = new[] { user.CreatedAt, user.LastSignInAt ?? default, user.LastPrivilegedActionAt ?? default }.Max();
        var flags = new List<string>();
        if (now - lastUse >= TimeSpan.FromDays(UnusedAfterDays))
        {
            flags.Add(Unused);
        }

        if (!user.MfaEnabled)
        {
            flags.Add(WithoutMfa);
        }

        if (user.Status == UserRecord.Suspended)
        {
            flags.Add(Suspended);
        }

        if (user.MfaResetPending)
        {
            flags.Add(MfaResetPending);
        }

        return new PrivilegedAccount(user.TenantId, user.UserId, user.Email, user.Roles, user.Status, user.MfaEnabled, user.LastSignInAt, user.LastPrivilegedActionAt, flags);
    }
}

internal static class AccessReviewApi
{
    public static IEndpointRouteBuilder MapAccessReviewApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/access-reviews/privileged", Review).WithTags("Access review").RequirePermission(tenant: null, Permissions.PlatformAccessReview)
            .WithSummary("Review privileged access").WithDescription("Platform users and tenant admins with MFA status, last sign-in and last privileged action; flags accounts unused for 90 days, admins without MFA, suspended accounts and MFA resets not yet re-enrolled (9.2.3).");
        return routes;
    }

    public static async Task<Ok<PrivilegedAccessReport>> Review(AccessReviewService reviews, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reviews.ReviewAsync(cancellationToken));
}
