using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>The account lifecycle of another user (issue 14): operators in any customer tenant, tenant admins in their own.</summary>
public static class UserLifecycleApi
{
    public static IEndpointRouteBuilder MapUserLifecycleApi(this IEndpointRouteBuilder routes)
    {
        var user = routes.MapGroup("/v1/tenants/{tenantId}/users/{userId}").WithTags("Users");
        user.MapPut("/status", SetStatus).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage);
        user.MapPost("/unlock", Unlock).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage);
        user.MapGet("/sessions", ListSessions).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage);
        user.MapDelete("/sessions", EndSessions).RequirePermission(Permissions.UsersManage, Permissions.PlatformUsersManage);
        return routes;
    }

    internal static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> SetStatus(
        string tenantId, string userId, SetUserStatusRequest request, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.SetStatusAsync(tenantId, userId, request, caller, cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<Ok<UserSummary>, ValidationProblem, ProblemHttpResult>> Unlock(
        string tenantId, string userId, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.UnlockAsync(tenantId, userId, caller, cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<Ok<UserSessionList>, ValidationProblem, ProblemHttpResult>> ListSessions(
        string tenantId, string userId, Caller caller, UserLifecycleService lifecycle, TimeProvider clock, CancellationToken cancellationToken) =>
        (await lifecycle.ListSessionsAsync(tenantId, userId, caller, clock.GetUtcNow(), cancellationToken)).Map(TypedResults.Ok);

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> EndSessions(
        string tenantId, string userId, Caller caller, UserLifecycleService lifecycle, CancellationToken cancellationToken) =>
        (await lifecycle.EndSessionsAsync(tenantId, userId, caller, cancellationToken)).Map(_ => TypedResults.NoContent());
}
