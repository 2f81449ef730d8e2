using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The integrity check of the audit trail, for security officers (16.1.7).</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/audit/verification", Verify)
            .WithTags("Audit")
            .WithDescription("Recomputes every hash, link and checkpoint signature of the trail (optionally one tenant, days from..to) and names "
                + "the first event that can no longer be proven.")
            .RequirePermission(tenant: null, platform: Permissions.PlatformAuditVerify);
        return routes;
    }

    public static async Task<Results<Ok<AuditVerification>, ValidationProblem>> Verify(
        [AsParameters] AuditVerificationQuery query, AuditIntegrityService integrity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (tenantId, from, to, errors) = AuditQueryValues.Verification(query, clock.GetUtcNow());
        return errors is not null
            ? Problems.Validation(errors)
            : TypedResults.Ok(await integrity.VerifyAsync(tenantId, from, to, cancellationToken));
    }
}
