using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Tenants;

/// <summary>Customer tenants: created and terminated by operators, read by their own members and by the platform.</summary>
public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder routes)
    {
        var tenants = routes.MapGroup("/v1/tenants").WithTags("Tenants");
        tenants.MapPost("/", Create).RequirePermission(tenant: null, platform: Permissions.PlatformTenantsManage);
        tenants.MapGet("/{tenantId}", Get).RequirePermission(Permissions.TenantRead, Permissions.PlatformRead);
        tenants.MapPost("/{tenantId}/termination", Terminate).RequirePermission(tenant: null, Permissions.PlatformTenantsTerminate);
        tenants.MapGet("/{tenantId}/deletion-certificate", Certificate).RequirePermission(tenant: null, Permissions.PlatformRead);
        return routes;
    }

    public static async Task<Results<Created<CreatedTenant>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTenantRequest request, Caller caller, TenantsService tenants, CancellationToken cancellationToken) =>
        (await tenants.CreateAsync(request, caller, cancellationToken)).Map(created => TypedResults.Created($"/v1/tenants/{created.TenantId}", created));

    public static async Task<Results<Ok<TenantResponse>, ValidationProblem, ProblemHttpResult>> Get(string tenantId, TenantsService tenants, CancellationToken cancellationToken) =>
        (await tenants.GetAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Accepted<TerminationAccepted>, ValidationProblem, ProblemHttpResult>> Terminate(
        string tenantId, Caller caller, TenantsService tenants, CancellationToken cancellationToken) =>
        (await tenants.TerminateAsync(tenantId, caller, cancellationToken)).Map(accepted => TypedResults.Accepted($"/v1/tenants/{tenantId}", accepted));

    /// <summary>CLD.8.1.5: what remains of a deleted tenant, for operators.</summary>
    public static async Task<Results<Ok<DeletionCertificate>, ProblemHttpResult>> Certificate(string tenantId, TenantDeletion deletion, CancellationToken cancellationToken) =>
        await deletion.GetCertificateAsync(tenantId, cancellationToken) is { } certificate ? TypedResults.Ok(certificate) : Problems.Of("not-found");
}
