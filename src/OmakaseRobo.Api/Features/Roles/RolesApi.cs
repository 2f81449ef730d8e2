using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>Roles of a tenant (their assignment to users is the Users area's): tenant admins in their own tenant, operators anywhere (audited).</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var tenant = routes.MapGroup("/v1/tenants/{tenantId}").WithTags("Roles");
        tenant.MapGet("/roles", List).RequirePermission(Permissions.RolesRead, Permissions.PlatformRead);
        tenant.MapPut("/roles/{roleName}", Put).RequirePermission(Permissions.RolesManage, Permissions.PlatformUsersManage);
        tenant.MapDelete("/roles/{roleName}", Delete).RequirePermission(Permissions.RolesManage, Permissions.PlatformUsersManage);
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
