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
        permissions.MapGet("/", List).RequirePermission(Permissions.RolesRead, Permissions.PlatformRead)
            .WithSummary("List permissions").WithDescription("Every permission: built-in tenant and platform ones and the product permissions defined by operators, with scope and Japanese and English descriptions.");
        permissions.MapPut("/{name}", Put).RequirePermission(null, Permissions.PlatformPermissionsManage)
            .WithSummary("Define a product permission").WithDescription("A permission of the product's own services (`area:action`, lower case, e.g. `robots:run`) that custom roles may hold; `admin` holds every one. 409 for a built-in name.")
            .ProducesProblem(409);
        permissions.MapDelete("/{name}", Delete).RequirePermission(null, Permissions.PlatformPermissionsManage)
            .WithSummary("Remove a product permission").WithDescription("Refused with 409 while any role of any tenant holds it, and for built-in permissions.")
            .ProducesProblem(409);
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
