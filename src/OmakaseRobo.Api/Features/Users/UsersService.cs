using System.Security.Cryptography;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>9.2.1: operators register and delete customer users; a user stores only email, display name, roles and credentials.</summary>
internal sealed class UsersService(UserStore users, TenantStore tenants, SessionStore sessions, PasswordHasher hasher, IAuditTrail audit, OmakaseOptions options, TimeProvider clock)
{
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public async Task<Outcome<CreatedUser>> CreateAsync(string tenantId, CreateUserRequest request, Caller? actor, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return new Failure.NotFound();
        }

        var roles = request.Roles ?? [];
        var errors = Validate.Fields(
            ("email", Validate.Email(request.Email)),
            ("displayName", Validate.Required(request.DisplayName, 100)),
            ("roles", roles.Count > RolesService.MaxRolesPerUser || roles.Any(r => !RolesService.IsKnownRole(tenant, r)) ? FieldMessages.UnknownValue : null));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        // Separation of duties: nobody creates a platform user with a platform role they do not hold themselves.
        if (actor is not null && !Privilege.MayChangePlatformRoles(actor, tenantId, roles))
        {
            await audit.WriteAsync(AuditEvent.By(actor, AuditCategory.Operation, "user.create", null, "refused", new() { ["roles"] = string.Join(',', roles) }, tenantId), cancellationToken)
                .ConfigureAwait(false);
            return new Failure.Forbidden();
        }

        var email = Validate.NormalizeEmail(request.Email!);
        var temporaryPassword = TemporaryPassword(email);
        var now = clock.GetUtcNow();
        var user = new UserRecord(
            tenantId, Ids.New("u"), email, request.DisplayName!.Trim(), [.. roles.Distinct(StringComparer.Ordinal)], UserRecord.Active,
            hasher.Hash(temporaryPassword), PasswordChangeRequired: true, MfaEnabled: false, null, null, null, [], UserStore.NewStamp(), 0, null,
            now, null, TemporaryPasswordExpiresAt: now + options.Security.TemporaryPasswordLifetime);
        var details = new Dictionary<string, string> { ["roles"] = string.Join(',', user.Roles) };
        var record = audit.Stage(actor is null
            ? new AuditEvent(AuditCategory.Operation, tenantId, null, "user.create", user.UserId, "success", null, null, new Dictionary<string, string>(details) { ["actorTenantId"] = "system" })
            : AuditEvent.By(actor, AuditCategory.Operation, "user.create", user.UserId, details: details, tenantId: tenantId));
        var created = await users.CreateAsync(user, tenant.Roles, record, cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return created.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new CreatedUser(user.UserId, temporaryPassword);
    }

    /// <summary>Credentials and sessions die at once: the tombstone's new stamp fails every session check.</summary>
    public async Task<Outcome<Completed>> DeleteAsync(string tenantId, string userId, Caller actor, CancellationToken cancellationToken)
    {
        if (actor.TenantId == tenantId && actor.UserId == userId)
        {
            return new Failure.Conflict("You cannot delete your own account.");
        }

        // A suspended user is deleted as an active one is: suspension is often the first step for an account that must go.
        var target = await users.GetChangeableAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var (tenant, user) = target.Value;
        // Deleting a platform user removes their roles: only someone who holds each of them may.
        if (!Privilege.MayChangePlatformRoles(actor, tenantId, user.Roles))
        {
            await audit.WriteAsync(AuditEvent.By(actor, AuditCategory.Operation, "user.delete", userId, "refused", [], tenantId), cancellationToken).ConfigureAwait(false);
            return new Failure.Forbidden();
        }

        var record = audit.Stage(AuditEvent.By(actor, AuditCategory.Operation, "user.delete", userId, details: [], tenantId: tenantId));
        var deleted = await users.DeleteAsync(user, tenant.Roles, clock.GetUtcNow(), record, cancellationToken).ConfigureAwait(false);
        if (deleted.Failure is Failure.Conflict)
        {
            await audit.WriteAsync(AuditEvent.By(actor, AuditCategory.Operation, "user.delete", userId, "refused", [], tenantId), cancellationToken).ConfigureAwait(false);
        }

        if (!deleted.Succeeded)
        {
            return deleted.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        await sessions.RevokeAllForUserAsync(tenantId, userId, keepSessionId: null, cancellationToken).ConfigureAwait(false);
        return Completed.Value;
    }

    public async Task<Outcome<UserList>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null
            ? new Failure.NotFound()
            : new UserList([.. (await users.ListAsync(tenantId, cancellationToken).ConfigureAwait(false)).Where(u => u.Status != UserRecord.Deleted).Select(u => UserSummary.From(u, clock.GetUtcNow()))]);

    public async Task<Outcome<UserSummary>> GetAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false) is { } user && user.Status != UserRecord.Deleted
            ? UserSummary.From(user, clock.GetUtcNow())
            : new Failure.NotFound();

    /// <summary>A one-time password that itself meets the policy; the first sign-in must replace it.</summary>
    public static string TemporaryPassword(string email)
    {
        while (true)
        {
            var candidate = RandomNumberGenerator.GetString(PasswordAlphabet, 20);
            if (PasswordPolicy.Check(candidate, email).Count == 0)
            {
                return candidate;
            }
        }
    }
}
