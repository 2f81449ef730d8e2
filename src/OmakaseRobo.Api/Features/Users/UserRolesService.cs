using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// 9.2.2 role assignment. No route lets a user raise their own privileges: nobody assigns roles to themselves or grants
/// or takes away permissions they do not hold; the tenant's admin cap and last admin hold under concurrent changes (UserRoleStore).
/// A suspended user's roles can be changed too (taking admin from a suspended, compromised admin must not wait for a
/// reactivation); they count toward the cap again only when reactivated, which checks it.
/// </summary>
internal sealed class UserRolesService(UserStore users, UserRoleStore userRoles, ProductPermissionStore products, IAuditTrail audit)
{
    public async Task<Outcome<AssignedRoles>> AssignAsync(string tenantId, string userId, List<string>? requested, Caller caller, CancellationToken cancellationToken)
    {
        var target = await users.GetChangeableAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var (tenant, user) = target.Value;
        if (requested is null || requested.Count > RolesService.MaxRolesPerUser || requested.Any(r => !RolesService.IsKnownRole(tenant, r)))
        {
            return new Failure.Invalid(new() { ["roles"] = [requested is null ? FieldMessages.Required : FieldMessages.UnknownValue] });
        }

        // Nobody changes their own roles, and a customer can neither hand out nor take away permissions they lack: someone
        // who may only assign roles cannot demote an admin.
        var newRoles = requested.Distinct(StringComparer.Ordinal).ToList();
        var removed = user.Roles.Except(newRoles, StringComparer.Ordinal).ToList();
        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        var touched = BuiltInRoles.PermissionsOf(tenantId, [.. newRoles, .. removed], tenant.Roles, catalogue.Names);
        // On platform users, separation of duties: nobody grants or removes a platform role they do not hold themselves.
        var changed = newRoles.Except(user.Roles, StringComparer.Ordinal).Concat(removed);
        if (caller.UserId == userId || (!caller.IsPlatform && touched.Any(p => !caller.Has(p))) || !Privilege.MayChangePlatformRoles(caller, tenantId, changed))
        {
            await AuditAsync(caller, tenantId, user, newRoles, "refused", cancellationToken).ConfigureAwait(false);
            return new Failure.Forbidden();
        }

        var record = audit.Stage(Event(caller, tenantId, user, newRoles, "success"));
        var assigned = await userRoles.AssignRolesAsync(user, newRoles, tenant.Roles, record, cancellationToken).ConfigureAwait(false);
        if (!assigned.Succeeded)
        {
            await AuditAsync(caller, tenantId, user, newRoles, "refused", cancellationToken).ConfigureAwait(false);
            return assigned.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new AssignedRoles(userId, newRoles);
    }

    /// <summary>A refused attempt changes nothing: its record is written on its own.</summary>
    private Task AuditAsync(Caller caller, string tenantId, UserRecord user, List<string> roles, string outcome, CancellationToken cancellationToken) =>
        audit.WriteAsync(Event(caller, tenantId, user, roles, outcome), cancellationToken);

    private static AuditEvent Event(Caller caller, string tenantId, UserRecord user, List<string> roles, string outcome) =>
        AuditEvent.By(caller, AuditCategory.Operation, "user.roles.assign", user.UserId, outcome, new()
        {
            ["roles"] = string.Join(',', roles),
            ["previous"] = string.Join(',', user.Roles),
        }, tenantId);
}
