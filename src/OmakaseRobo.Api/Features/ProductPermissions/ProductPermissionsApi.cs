using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.ProductPermissions;

/// <summary>
/// The permission catalogue: anyone who may read roles sees it (to build custom roles); operators define and remove
/// product permissions.
/// </summary>
internal static class ProductPermissionsApi
{
    public static IEndpointRouteBuilder MapProductPermissionsApi(this IEndpointRouteBuilder routes)
    {
        var permissions = routes.MapGroup("/v1/permissions").WithTags("Permissions");
        permissions.MapGet("/", List).RequirePermission(Permissions.RolesRead, Permissions.PlatformRead);
        permissions.MapPut("/{name}", Put).RequirePermission(null, Permissions.PlatformPermissionsManage);
        permissions.MapDelete("/{name}", Delete).RequirePermission(null, Permissions.PlatformPermissionsManage);
        return routes;
    }

    public static async Task<Ok<PermissionList>> List(ProductPermissionsService permissions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PermissionList(await permissions.ListAsync(cancellationToken)));

    public static async Task<Results<Ok<PermissionItem>, ValidationProblem, ProblemHttpResult>> Put(
        string name, PutPermissionRequest request, Caller caller, ProductPermissionsService permissions, CancellationToken cancellationToken) =>
        (await permissions.PutAsync(name, request, caller, cancellationToken)).Map(item => TypedResults.Ok(item));

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        string name, Caller caller, ProductPermissionsService permissions, CancellationToken cancellationToken) =>
        (await permissions.DeleteAsync(name, caller, cancellationToken)).Map(_ => TypedResults.NoContent());
}
