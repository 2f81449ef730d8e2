using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.OpenApi;

namespace OmakaseRobo.Api.Features.Tenants;

/// <summary>Customer tenants: created by operators, read by their own members and by the platform.</summary>
public static class TenantsApi
{
    public const int DefaultAdminLimit = 3;
    public const int MaxAdminLimit = 100;

    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder routes)
    {
        var tenants = routes.MapGroup("/v1/tenants").WithTags("Tenants");
        tenants.MapPost("/", Create).RequirePermission(tenant: null, platform: Permissions.PlatformTenantsManage)
            .WithSummary("Create a tenant").WithDescription("A customer tenant with its admin limit (default 3, at most 100) and whether its admins must use MFA (default true). Operators only.")
            .WithExamples("""{"name":"Example Corp","adminLimit":3,"requireMfaForAdmins":true}""", """{"tenantId":"t_01jd8x..."}""");
        tenants.MapGet("/{tenantId}", Get).RequirePermission(Permissions.TenantRead, Permissions.PlatformRead)
            .WithSummary("Read a tenant").WithDescription("The tenant, its policy (admin limit, MFA for admins), its state and its custom roles.");
        tenants.MapGet("/{tenantId}/deletion-certificate", Certificate).RequirePermission(tenant: null, Permissions.PlatformRead)
            .WithSummary("Read a deletion certificate").WithDescription("What the delete-terminated-tenants job removed of a terminated tenant: counts per kind and a SHA-256 over the sorted key list.");
        return routes;
    }

    public static async Task<Results<Created<CreatedTenant>, ValidationProblem>> Create(
        CreateTenantRequest request, Caller caller, TenantStore store, IAuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("name", Validate.Required(request.Name, 200)),
            ("adminLimit", request.AdminLimit is null or (>= 1 and <= MaxAdminLimit) ? null : FieldMessages.InvalidFormat));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var tenant = new TenantRecord(
            Ids.New("t"), request.Name!.Trim(), request.AdminLimit ?? DefaultAdminLimit, request.RequireMfaForAdmins ?? true, 0,
            TenantRecord.Active, clock.GetUtcNow(), new Dictionary<string, List<string>>());
        await store.CreateAsync(tenant, cancellationToken);
        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, tenant.TenantId, caller.UserId, "tenant.create", tenant.TenantId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string>
            {
                ["actorTenantId"] = caller.TenantId,
                ["adminLimit"] = tenant.AdminLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["requireMfaForAdmins"] = tenant.RequireMfaForAdmins ? "true" : "false",
            }), cancellationToken);
        return TypedResults.Created($"/v1/tenants/{tenant.TenantId}", new CreatedTenant(tenant.TenantId));
    }

    public static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> Get(string tenantId, TenantStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(tenantId, cancellationToken) is { } tenant ? TypedResults.Ok(TenantResponse.From(tenant)) : Problems.Of("not-found");

    /// <summary>CLD.8.1.5: what remains of a deleted tenant, for operators.</summary>
    public static async Task<Results<Ok<DeletionCertificate>, ProblemHttpResult>> Certificate(string tenantId, TenantDeletion deletion, CancellationToken cancellationToken) =>
        await deletion.GetCertificateAsync(tenantId, cancellationToken) is { } certificate ? TypedResults.Ok(certificate) : Problems.Of("not-found");
}
