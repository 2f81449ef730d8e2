using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>Users of a tenant: registered and deleted by operators only (9.2.1), listed by the tenant's readers.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/v1/tenants/{tenantId}/users").WithTags("Users");
        users.MapPost("/", Create).RequirePermission(tenant: null, platform: Permissions.PlatformUsersManage);
        users.MapGet("/", List).RequirePermission(Permissions.UsersRead, Permissions.PlatformRead);
        users.MapDelete("/{userId}", Delete).RequirePermission(tenant: null, platform: Permissions.PlatformUsersManage);
        users.MapPut("/{userId}/roles", AssignRoles).WithTags("Roles").RequirePermission(Permissions.RolesAssign, Permissions.PlatformUsersManage);
        return routes;
    }

    public static async Task<Results<Created<CreatedUser>, ValidationProblem, ProblemHttpResult>> Create(
        string tenantId, CreateUserRequest request, Caller caller, UsersService users, CancellationToken cancellationToken) =>
        (await users.CreateAsync(tenantId, request, caller, cancellationToken)).Map(user => TypedResults.Created($"/v1/tenants/{tenantId}/users/{user.UserId}", user));

    public static async Task<Results<Ok<UserList>, ValidationProblem, ProblemHttpResult>> List(string tenantId, UsersService users, CancellationToken cancellationToken) =>
        (await users.ListAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        string tenantId, string userId, Caller caller, UsersService users, CancellationToken cancellationToken) =>
        (await users.DeleteAsync(tenantId, userId, caller, cancellationToken)).Map(_ => TypedResults.NoContent());

    public static async Task<Results<Ok<AssignedRoles>, ValidationProblem, ProblemHttpResult>> AssignRoles(
        string tenantId, string userId, AssignRolesRequest request, Caller caller, UserRolesService roles, CancellationToken cancellationToken) =>
        (await roles.AssignAsync(tenantId, userId, request.Roles, caller, cancellationToken)).Map(TypedResults.Ok);
}
