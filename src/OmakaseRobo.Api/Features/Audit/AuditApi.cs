using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>A tenant's audit trail for its admins and the platform (18.1.3), and the integrity check for security officers (16.1.7).</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/tenants/{tenantId}/audit-events", List)
            .WithTags("Audit")
            .WithSummary("List a tenant's audit events")
            .WithDescription("The tenant's audit events, newest first (most recently appended first): category access, operation, auth or system; "
                + "from <= time < to (ISO 8601, UTC unless an offset is given); limit 1-200 (default 50). Pass nextCursor back as cursor, "
                + "with the same filters, for the next page; it is null on the last page. A page may hold fewer items than the limit.")
            .RequirePermission(Permissions.AuditRead, Permissions.PlatformRead);
        routes.MapGet("/v1/audit/verification", Verify)
            .WithTags("Audit")
            .WithSummary("Verify the audit chain")
            .WithDescription("Recomputes every hash, link and checkpoint signature of the trail (optionally one tenant, days from..to) and names "
                + "the first event that can no longer be proven.")
            .RequirePermission(tenant: null, platform: Permissions.PlatformAuditVerify);
        return routes;
    }

    public static async Task<Results<Ok<AuditEventList>, ValidationProblem, ProblemHttpResult>> List(
        string tenantId, [AsParameters] AuditEventsQuery query, AuditService audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(tenantId))
        {
            return Problems.Of("not-found");
        }

        var (listing, errors) = AuditQueryValues.Listing(query, clock.GetUtcNow());
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        return await audit.ListAsync(tenantId, listing!, cancellationToken) is { } page
            ? TypedResults.Ok(page)
            : Problems.Validation("cursor", "cursor-invalid");
    }

    public static async Task<Results<Ok<AuditVerification>, ValidationProblem>> Verify(
        [AsParameters] AuditVerificationQuery query, Caller caller, AuditIntegrityService integrity, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (tenantId, from, to, errors) = AuditQueryValues.Verification(query, clock.GetUtcNow());
        return errors is not null
            ? Problems.Validation(errors)
            : TypedResults.Ok(await integrity.VerifyAsync(tenantId, from, to, caller.UserId, cancellationToken));
    }
}
