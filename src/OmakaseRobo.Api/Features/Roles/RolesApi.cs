using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>Roles of a tenant and their assignment: tenant admins in their own tenant, operators anywhere (audited).</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var tenant = routes.MapGroup("/v1/tenants/{tenantId}").WithTags("Roles");
        tenant.MapGet("/roles", List).RequirePermission(Permissions.RolesRead, Permissions.PlatformRead);
        tenant.MapPut("/roles/{roleName}", Put).RequirePermission(Permissions.RolesManage, Permissions.PlatformUsersManage);
        tenant.MapDelete("/roles/{roleName}", Delete).RequirePermission(Permissions.RolesManage, Permissions.PlatformUsersManage);
        tenant.MapPut("/users/{userId}/roles", Assign).RequirePermission(Permissions.RolesAssign, Permissions.PlatformUsersManage);
        return routes;
    }

    public static async Task<Results<Ok<RoleList>, ProblemHttpResult>> List(string tenantId, RolesService roles, CancellationToken cancellationToken) =>
        await roles.ListAsync(tenantId, cancellationToken) is { } items ? TypedResults.Ok(new RoleList(items)) : Problems.Of("not-found");

    public static async Task<Results<Ok<RoleItem>, ValidationProblem, ProblemHttpResult>> Put(
        string tenantId, string roleName, PutRoleRequest request, Caller caller, RolesService roles, CancellationToken cancellationToken) =>
        await roles.PutAsync(tenantId, roleName, request.Permissions, caller, cancellationToken) switch
        {
            Outcome.Done { Value: RoleItem role } => TypedResults.Ok(role),
            var other => Outcome.Failure<Ok<RoleItem>>(other),
        };

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        string tenantId, string roleName, Caller caller, RolesService roles, CancellationToken cancellationToken) =>
        await roles.DeleteAsync(tenantId, roleName, caller, cancellationToken) switch
        {
            Outcome.Done => TypedResults.NoContent(),
            var other => Outcome.Failure<NoContent>(other),
        };

    public static async Task<Results<Ok<AssignedRoles>, ValidationProblem, ProblemHttpResult>> Assign(
        string tenantId, string userId, AssignRolesRequest request, Caller caller, RolesService roles, CancellationToken cancellationToken) =>
        await roles.AssignAsync(tenantId, userId, request.Roles, caller, cancellationToken) switch
        {
            Outcome.Done { Value: AssignedRoles assigned } => TypedResults.Ok(assigned),
            var other => Outcome.Failure<Ok<AssignedRoles>>(other),
        };
}
