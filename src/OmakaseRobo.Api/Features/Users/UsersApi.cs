using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.OpenApi;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>Users of a tenant: registered and deleted by operators only (9.2.1), listed by the tenant's readers.</summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/v1/tenants/{tenantId}/users").WithTags("Users");
        users.MapPost("/", Create).RequirePermission(tenant: null, platform: Permissions.PlatformUsersManage)
            .WithSummary("Create a user").WithDescription("Operators only (9.2.1). The answer carries the temporary password, shown only this once; the user must change it at first sign-in. "
                + "409 when the email exists in the tenant, the admin limit is reached, the tenant is not active or a role was deleted meanwhile.")
            .ProducesProblem(409)
            .WithExamples("""{"email":"hanako@example.co.jp","displayName":"Hanako","roles":["admin"]}""", """{"userId":"u_01jd8y...","temporaryPassword":"C3o3kzbt5CPczJct3LDC"}""");
        users.MapGet("/", List).RequirePermission(Permissions.UsersRead, Permissions.PlatformRead)
            .WithSummary("List users").WithDescription("The tenant's users with their roles, MFA status and last sign-in.");
        users.MapGet("/{userId}", Get).RequirePermission(Permissions.UsersRead, Permissions.PlatformRead)
            .WithSummary("Read a user").WithDescription("One user of the tenant as listed: roles, status, MFA status, lock and last sign-in; 404 for a deleted user.");
        users.MapDelete("/{userId}", Delete).RequirePermission(tenant: null, platform: Permissions.PlatformUsersManage)
            .WithSummary("Delete a user").WithDescription("Operators only. The user becomes a pseudonymous tombstone and every session ends at once; 409 for oneself.")
            .ProducesProblem(409);
        users.MapPut("/{userId}/roles", AssignRoles).WithTags("Roles").RequirePermission(Permissions.RolesAssign, Permissions.PlatformUsersManage)
            .WithSummary("Set a user's roles").WithDescription("Replaces the user's roles in one transaction under the admin limit. Nobody assigns roles to themselves or hands out "
                + "a permission they lack; a suspended user's roles can be changed too, and count toward the limit again at reactivation; "
                + "409 when the limit is reached, the last admin would go, or the user changed meanwhile.")
            .ProducesProblem(409).WithExamples("""{"roles":["admin"]}""");
        return routes;
    }

    public static async Task<Results<Created<CreatedUser>, ValidationProblem, ProblemHttpResult>> Create(
        string tenantId, CreateUserRequest request, Caller caller, UsersService users, CancellationToken cancellationToken) =>
        (await users.CreateAsync(tenantId, request, caller, cancellationToken)).Map(user => TypedResults.Created($"/v1/tenants/{tenantId}/users/{user.UserId}", user));

    public static async Task<Results<Ok<UserList>, ValidationProblem, ProblemHttpResult>> List(string tenantId, UsersService users, CancellationToken cancellationToken) =>
        (await users.ListAsync(tenantId, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> Get(
        string tenantId, string userId, UsersService users, CancellationToken cancellationToken) =>
        (await users.GetAsync(tenantId, userId, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        string tenantId, string userId, Caller caller, UsersService users, CancellationToken cancellationToken) =>
        (await users.DeleteAsync(tenantId, userId, caller, cancellationToken)).Map(_ => TypedResults.NoContent());

    public static async Task<Results<Ok<AssignedRoles>, ValidationProblem, ProblemHttpResult>> AssignRoles(
        string tenantId, string userId, AssignRolesRequest request, Caller caller, UserRolesService roles, CancellationToken cancellationToken) =>
        (await roles.AssignAsync(tenantId, userId, request.Roles, caller, cancellationToken)).Map(TypedResults.Ok);
}
