namespace OmakaseRobo.Api.Features.Roles;

internal static class RolesSetup
{
    public static IServiceCollection AddRoles(this IServiceCollection services)
    {
        services.AddSingleton<RoleStore>();
        services.AddSingleton<RolesService>();
        return services;
    }
}
