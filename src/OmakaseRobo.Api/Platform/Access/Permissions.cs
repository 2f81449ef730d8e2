using System.Collections.Frozen;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Access;

/// <summary>
/// The permission catalogue (9.2.2). Tenant permissions are granted by tenant roles inside one tenant;
/// platform permissions are granted by platform roles to TechHub operators and let them cross tenants.
/// </summary>
internal static class Permissions
{
    // Tenant permissions.
    public const string UsersRead = "users:read";
    public const string UsersManage = "users:manage";
    public const string RolesRead = "roles:read";
    public const string RolesManage = "roles:manage";
    public const string RolesAssign = "roles:assign";
    public const string AuditRead = "audit:read";
    public const string IncidentsReport = "incidents:report";
    public const string IncidentsRead = "incidents:read";
    public const string NoticesRead = "notices:read";
    public const string WebhookManage = "webhook:manage";
    public const string TenantRead = "tenant:read";

    // Platform permissions.
    public const string PlatformTenantsManage = "platform:tenants:manage";
    public const string PlatformUsersManage = "platform:users:manage";
    public const string PlatformTenantsTerminate = "platform:tenants:terminate";
    public const string PlatformIncidentsManage = "platform:incidents:manage";
    public const string PlatformEvidence = "platform:evidence";
    public const string PlatformAuditVerify = "platform:audit:verify";
    public const string PlatformAccessReview = "platform:access-review";
    public const string PlatformVulnerabilities = "platform:vulnerabilities";
    public const string PlatformRead = "platform:read";
    public const string PlatformComplianceRead = "platform:compliance:read";
    public const string PlatformComplianceAttest = "platform:compliance:attest";
    public const string PlatformPermissionsManage = "platform:permissions:manage";
    public const string PlatformServiceClientsManage = "platform:service-clients:manage";

    public static readonly FrozenSet<string> Tenant = FrozenSet.Create(
        UsersRead, UsersManage, RolesRead, RolesManage, RolesAssign, AuditRead, IncidentsReport, IncidentsRead, NoticesRead, WebhookManage, TenantRead);

    public static readonly FrozenSet<string> Platform = FrozenSet.Create(
        PlatformTenantsManage, PlatformUsersManage, PlatformTenantsTerminate, PlatformIncidentsManage, PlatformEvidence,
        PlatformAuditVerify, PlatformAccessReview, PlatformVulnerabilities, PlatformRead, PlatformComplianceRead, PlatformComplianceAttest,
        PlatformPermissionsManage, PlatformServiceClientsManage);
}

/// <summary>Built-in roles: the tenant role admin and the three platform roles.</summary>
internal static class BuiltInRoles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string SecurityOfficer = "security-officer";
    public const string Auditor = "auditor";

    /// <summary>The tenant that holds TechHub's own operators.</summary>
    public const string PlatformTenantId = "platform";

    public static readonly FrozenDictionary<string, FrozenSet<string>> PlatformRoles = new Dictionary<string, FrozenSet<string>>
    {
        [Operator] = FrozenSet.Create(
            Permissions.PlatformTenantsManage, Permissions.PlatformUsersManage, Permissions.PlatformTenantsTerminate, Permissions.PlatformRead,
            Permissions.PlatformPermissionsManage, Permissions.PlatformServiceClientsManage),
        [SecurityOfficer] = FrozenSet.Create(
            Permissions.PlatformIncidentsManage, Permissions.PlatformEvidence, Permissions.PlatformAuditVerify,
            Permissions.PlatformAccessReview, Permissions.PlatformVulnerabilities, Permissions.PlatformRead,
            Permissions.PlatformComplianceRead, Permissions.PlatformComplianceAttest),
        [Auditor] = FrozenSet.Create(Permissions.PlatformRead, Permissions.PlatformComplianceRead),
    }.ToFrozenDictionary();

    /// <summary>
    /// The permissions a set of roles grants in a tenant, given that tenant's custom role definitions and the product
    /// permissions defined now: admin holds every one of them, a custom role those it lists that still exist.
    /// </summary>
    public static FrozenSet<string> PermissionsOf(
        string tenantId, IEnumerable<string> roles, IReadOnlyDictionary<string, List<string>> customRoles, IReadOnlySet<string>? productPermissions = null)
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            if (tenantId == PlatformTenantId)
            {
                if (PlatformRoles.TryGetValue(role, out var platform))
                {
                    granted.UnionWith(platform);
                }
            }
            else if (role == Admin)
            {
                granted.UnionWith(Permissions.Tenant);
                granted.UnionWith(productPermissions ?? FrozenSet<string>.Empty);
            }
            else if (customRoles.TryGetValue(role, out var custom))
            {
                granted.UnionWith(custom.Where(p => Permissions.Tenant.Contains(p) || productPermissions?.Contains(p) == true));
            }
        }

        return granted.ToFrozenSet(StringComparer.Ordinal);
    }
}
