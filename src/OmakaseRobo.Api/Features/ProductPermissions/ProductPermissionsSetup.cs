namespace OmakaseRobo.Api.Features.ProductPermissions;

internal static class ProductPermissionsSetup
{
    public static IServiceCollection AddProductPermissions(this IServiceCollection services)
    {
        services.AddSingleton<ProductPermissionStore>(); // roles and sessions read the catalogue in every module
        services.AddSingleton<ProductPermissionUsage>(); // roles count what they hold
        services.AddSingleton<ProductPermissionsService>();
        return services;
    }
}
