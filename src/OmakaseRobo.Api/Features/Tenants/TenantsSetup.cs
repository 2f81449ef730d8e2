namespace OmakaseRobo.Api.Features.Tenants;

internal static class TenantsSetup
{
    public static IServiceCollection AddTenants(this IServiceCollection services)
    {
        services.AddSingleton<TenantStore>();
        services.AddSingleton<TenantsService>();
        services.AddSingleton<TenantDeletion>();
        return services;
    }
}
