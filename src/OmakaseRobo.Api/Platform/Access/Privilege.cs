using System.Collections.Frozen;

namespace OmakaseRobo.Api.Platform.Access;

/// <summary>
/// What "privileged" means, once for the whole backend: the tenant permissions that manage roles, users or the webhook,
/// or read the audit trail; a role is privileged when it is admin or carries one of them, a user when they hold a
/// privileged role, and every platform user is. A privileged user counts against the tenant's adminLimit, falls under
/// requireMfaForAdmins, and is listed in the privileged-access review, whatever their role is called.
/// </summary>
internal static class Privilege
{
    public static readonly FrozenSet<string> Permissions = FrozenSet.Create(
        StringComparer.Ordinal,
        Access.Permissions.RolesManage, Access.Permissions.RolesAssign, Access.Permissions.UsersManage, Access.Permissions.WebhookManage, Access.Permissions.AuditRead);

    /// <summary>Whether a custom role defined with these permissions is privileged.</summary>
    public static bool Grants(IEnumerable<string> permissions) => permissions.Any(Permissions.Contains);

    /// <summary>Whether a role of a customer tenant is privileged, given the tenant's custom role definitions.</summary>
    public static bool IsPrivilegedRole(string role, IReadOnlyDictionary<string, List<string>> definitions)
    {
        return role == BuiltInRoles.Admin || (definitions.TryGetValue(role, out var permissions) && Grants(permissions));
    }

    /// <summary>Whether a user of <paramref name="tenantId"/> holding <paramref name="roles"/> is privileged.</summary>
    public static bool Holds(string tenantId, IEnumerable<string> roles, IReadOnlyDictionary<string, List<string>> definitions)
    {
        return tenantId == BuiltInRoles.PlatformTenantId ? roles.Any() : roles.Any(r => IsPrivilegedRole(r, definitions));
    }

    /// <summary>
    /// The roles whose last active holder is protected: admin in a customer tenant (the tenant keeps someone who administers
    /// it), each platform role in the platform tenant (TechHub keeps someone for each duty).
    /// </summary>
    public static bool IsProtectedRole(string tenantId, string role) =>
        tenantId == BuiltInRoles.PlatformTenantId ? BuiltInRoles.PlatformRoles.ContainsKey(role) : role == BuiltInRoles.Admin;

    /// <summary>
    /// Separation of duties between the platform roles: nobody grants, creates a user with, or removes (by demotion or
    /// deletion) a platform role they do not hold themselves. Roles of customer tenants are not concerned.
    /// </summary>
    public static bool MayChangePlatformRoles(Caller caller, string tenantId, IEnumerable<string> roles)
    {
        return tenantId != BuiltInRoles.PlatformTenantId || roles.All(r => caller.IsPlatform && caller.Roles.Contains(r));
    }
}
