using System.ComponentModel.DataAnnotations;

namespace OmakaseRobo.Api.Features.Tenants;

public sealed record CreateTenantRequest([property: Required] string? Name, int? AdminLimit, bool? RequireMfaForAdmins);

public sealed record CreatedTenant(string TenantId);

public sealed record TerminationAccepted(string TenantId, DateTimeOffset TerminatedAt, DateTimeOffset DataDeletionAfter);

public sealed record TenantResponse(
    string TenantId, string Name, int AdminLimit, bool RequireMfaForAdmins, int AdminCount, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? DataDeletionAfter)
{
    public static TenantResponse From(TenantRecord tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new(tenant.TenantId, tenant.Name, tenant.AdminLimit, tenant.RequireMfaForAdmins, tenant.AdminCount, tenant.Status, tenant.CreatedAt, tenant.DataDeletionAfter);
    }
}
