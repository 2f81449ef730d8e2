using System.ComponentModel.DataAnnotations;

namespace OmakaseRobo.Api.Features.Tenants;

internal sealed record CreateTenantRequest([property: Required] string? Name, int? AdminLimit, bool? RequireMfaForAdmins);

internal sealed record CreatedTenant(string TenantId);

internal sealed record TerminationAccepted(string TenantId, DateTimeOffset TerminatedAt, DateTimeOffset DataDeletionAfter);

internal sealed record TenantResponse(
    string TenantId, string Name, int AdminLimit, bool RequireMfaForAdmins, int AdminCount, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? DataDeletionAfter)
{
    public static TenantResponse From(TenantRecord tenant)
    {
        return new(tenant.TenantId, tenant.Name, tenant.AdminLimit, tenant.RequireMfaForAdmins, tenant.AdminCount, tenant.Status, tenant.CreatedAt, tenant.DataDeletionAfter);
    }
}
