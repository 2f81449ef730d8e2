using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Tenants;

/// <summary>Customer tenants: created and terminated by operators, read by their own members and by the platform.</summary>
internal static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder routes)
    {
        var tenants = routes.MapGroup("/v1/tenants").WithTags("Tenants");
        tenants.MapPost("/", Create).RequirePermission(tenant: null, platform: Permissions.PlatformTenantsManage)
            .WithSummary("Create a tenant").WithDescription("A customer tenant with its admin limit (default 3, at most 100) and whether its admins must use MFA (default true). Operators only. "
                + "With an `Idempotency-Key` header (1 to 128 visible ASCII characters), the same request sent again by the same operator is answered with the tenant the first call "
                + "made, never a second one; the same key with another request is 422, and 409 once that tenant has been deleted.")
            .ProducesProblem(409).ProducesProblem(422)
            .WithExamples("""{"name":"Example Corp","adminLimit":3,"requireMfaForAdmins":true}""", """{"tenantId":"t_01jd8x..."}""");
        tenants.MapGet("/{tenantId}", Get).RequirePermission(Permissions.TenantRead, Permissions.PlatformRead)
            .WithSummary("Read a tenant").WithDescription("The tenant, its policy (admin limit, MFA for admins) and its state; its roles are listed by GET /v1/tenants/{tenantId}/roles.");
        tenants.MapPost("/{tenantId}/termination", Terminate).RequirePermission(tenant: null, Permissions.PlatformTenantsTerminate)
            .WithSummary("Terminate a contract").WithDescription("From now on no user of the tenant can sign in and every session is refused; after the grace period "
                + "(30 days, `dataDeletionAfter`) the delete-terminated-tenants job removes every item of the tenant. 409 if already terminated or the platform tenant.")
            .ProducesProblem(409);
        tenants.MapGet("/{tenantId}/deletion-certificate", Certificate).RequirePermission(tenant: null, Permissions.PlatformRead)
            .WithSummary("Read a deletion certificate").WithDescription("What the delete-terminated-tenants job removed of a terminated tenant: counts per kind and a SHA-256 over the sorted key list.");
        return routes;
    }

    public static async Task<Results<Created<CreatedTenant>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTenantRequest request, [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey, Caller caller, TenantsService tenants,
        CancellationToken cancellationToken) =>
        (await tenants.CreateAsync(request, idempotencyKey, caller, cancellationToken)).Map(created => TypedResults.Created($"/v1/tenants/{created.TenantId}", created));

    public static async Task<Results<Ok<TenantResponse>, ValidationProblem, ProblemHttpResult>> Get(string tenantId, TenantsService tenants, CancellationToken cancellationToken) =>
        (await tenants.GetAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Accepted<TerminationAccepted>, ValidationProblem, ProblemHttpResult>> Terminate(
        string tenantId, Caller caller, TenantsService tenants, CancellationToken cancellationToken) =>
        (await tenants.TerminateAsync(tenantId, caller, cancellationToken)).Map(accepted => TypedResults.Accepted($"/v1/tenants/{tenantId}", accepted));

    /// <summary>CLD.8.1.5: what remains of a deleted tenant, for operators.</summary>
    public static async Task<Results<Ok<DeletionCertificate>, ProblemHttpResult>> Certificate(string tenantId, TenantDeletion deletion, CancellationToken cancellationToken) =>
        await deletion.GetCertificateAsync(tenantId, cancellationToken) is { } certificate ? TypedResults.Ok(certificate) : Problems.Of("not-found");
}
