using System.Security.Cryptography;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>9.2.1: operators register and delete customer users; a user stores only email, display name, roles and credentials.</summary>
public sealed class UsersService(UserStore users, TenantStore tenants, AuthService auth, PasswordHasher hasher, IAuditTrail audit, TimeProvider clock)
{
    public const int MaxRoles = 10;
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public async Task<Outcome> CreateAsync(string tenantId, CreateUserRequest request, Caller? actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return new Outcome.NotFound();
        }

        var roles = request.Roles ?? [];
        var errors = Validate.Fields(
            ("email", Validate.Email(request.Email)),
            ("displayName", Validate.Required(request.DisplayName, 100)),
            ("roles", roles.Count > MaxRoles || roles.Any(r => !IsKnownRole(tenant, r)) ? FieldMessages.UnknownValue : null));
        if (errors is not null)
        {
            return new Outcome.Invalid(errors);
        }

        var email = Validate.NormalizeEmail(request.Email!);
        var temporaryPassword = TemporaryPassword(email);
        var user = new UserRecord(
            tenantId, Ids.New("u"), email, request.DisplayName!.Trim(), [.. roles.Distinct(StringComparer.Ordinal)], UserRecord.Active,
            hasher.Hash(temporaryPassword), PasswordChangeRequired: true, MfaEnabled: false, null, null, null, [], UserStore.NewStamp(), 0, null,
            clock.GetUtcNow(), null);
        var outcome = await users.CreateAsync(user, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case CreateUserOutcome.EmailTaken:
                return new Outcome.Conflict("A user with this email exists in the tenant.");
            case CreateUserOutcome.AdminLimitReached:
                return new Outcome.Conflict("The tenant has reached its admin limit.");
            case CreateUserOutcome.TenantNotActive:
                return new Outcome.Conflict("The tenant is not active.");
            case CreateUserOutcome.RoleNotDefined:
                return new Outcome.Conflict("A role was deleted meanwhile.");
        }

        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, tenantId, actor?.UserId, "user.create", user.UserId, "success", actor?.SourceIp, actor?.UserAgent,
            new Dictionary<string, string> { ["roles"] = string.Join(',', user.Roles), ["actorTenantId"] = actor?.TenantId ?? "system" }), cancellationToken).ConfigureAwait(false);
        return new Outcome.Done(new CreatedUser(user.UserId, temporaryPassword));
    }

    public enum DeleteOutcome
    {
        Deleted,
        NotFound,
        Self,
    }

    /// <summary>Credentials and sessions die at once: the tombstone's new stamp fails every session check.</summary>
    public async Task<DeleteOutcome> DeleteAsync(string tenantId, string userId, Caller actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.TenantId == tenantId && actor.UserId == userId)
        {
            return DeleteOutcome.Self;
        }

        var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        if (user is null || !user.IsActive || !await users.DeleteAsync(user, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return DeleteOutcome.NotFound;
        }

        await auth.DeleteSessionsAsync(tenantId, userId, keep: null, cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, tenantId, actor.UserId, "user.delete", userId, "success", actor.SourceIp, actor.UserAgent,
            new Dictionary<string, string> { ["actorTenantId"] = actor.TenantId }), cancellationToken).ConfigureAwait(false);
        return DeleteOutcome.Deleted;
    }

    public async Task<List<UserSummary>?> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null
            ? null
            : [.. (await users.ListAsync(tenantId, cancellationToken).ConfigureAwait(false)).Where(u => u.IsActive).Select(UserSummary.From)];

    public static bool IsKnownRole(TenantRecord tenant, string role)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return tenant.TenantId == BuiltInRoles.PlatformTenantId
            ? BuiltInRoles.PlatformRoles.ContainsKey(role)
            : role == BuiltInRoles.Admin || tenant.Roles.ContainsKey(role);
    }

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
