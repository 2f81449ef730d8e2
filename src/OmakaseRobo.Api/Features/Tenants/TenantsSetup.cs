namespace OmakaseRobo.Api.Features.Tenants;

public static class TenantsSetup
{
    public static IServiceCollection AddTenants(this IServiceCollection services)
    {
        services.AddSingleton<TenantStore>();
        services.AddSingleton<TenantsService>();
        services.AddSingleton<TenantDeletion>();
        return services;
    }
}
