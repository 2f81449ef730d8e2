using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.OpenApi;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>Roles of a tenant (their assignment to users is the Users area's): tenant admins in their own tenant, operators anywhere (audited).</summary>
internal static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var tenant = routes.MapGroup("/v1/tenants/{tenantId}").WithTags("Roles");
        tenant.MapGet("/roles", List).RequirePermission(Permissions.RolesRead, Permissions.PlatformRead)
            .WithSummary("List roles").WithDescription("The built-in `admin` role and the tenant's custom roles with their permissions.");
        tenant.MapPut("/roles/{roleName}", Put).RequirePermission(Permissions.RolesManage, Permissions.PlatformUsersManage)
            .WithSummary("Create or replace a custom role").WithDescription("Name: lower-case letters, digits and dashes, 2-32 characters; permissions: known tenant permissions, "
                + "none the caller lacks (before or after the change), not a role the caller holds. 409 for a built-in role, too many roles (50) or a tenant that is not active.")
            .ProducesProblem(409).WithExamples("""{"permissions":["users:read","audit:read"]}""");
        tenant.MapDelete("/roles/{roleName}", Delete).RequirePermission(Permissions.RolesManage, Permissions.PlatformUsersManage)
            .WithSummary("Delete a custom role").WithDescription("403 when the role carries a permission the caller lacks; 409 while the role is assigned to anyone, or for a built-in role.")
            .ProducesProblem(409);
        return routes;
    }

    public static async Task<Results<Ok<RoleList>, ValidationProblem, ProblemHttpResult>> List(string tenantId, RolesService roles, CancellationToken cancellationToken) =>
        (await roles.ListAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<RoleItem>, ValidationProblem, ProblemHttpResult>> Put(
        string tenantId, string roleName, PutRoleRequest request, Caller caller, RolesService roles, CancellationToken cancellationToken) =>
        (await roles.PutAsync(tenantId, roleName, request.Permissions, caller, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        string tenantId, string roleName, Caller caller, RolesService roles, CancellationToken cancellationToken) =>
        (await roles.DeleteAsync(tenantId, roleName, caller, cancellationToken)).Map(_ => TypedResults.NoContent());
}
