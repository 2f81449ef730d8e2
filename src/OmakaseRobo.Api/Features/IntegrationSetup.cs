using OmakaseRobo.Api.Features.Introspection;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.ServiceClients;

namespace OmakaseRobo.Api.Features;

/// <summary>What the product's own services use: service clients, token introspection and product permissions.</summary>
public static class IntegrationSetup
{
    public static IServiceCollection AddIntegration(this IServiceCollection services)
    {
        services.AddSingleton<ProductPermissionStore>(); // roles and sessions read the catalogue in every module
        services.AddSingleton<ProductPermissionsService>();
        services.AddSingleton<ServiceClientStore>();
        services.AddSingleton<ServiceClientsService>();
        services.AddSingleton<ServiceClientRefusals>();
        services.AddSingleton<IntrospectionService>();
        return services;
    }
}
