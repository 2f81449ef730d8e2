namespace OmakaseRobo.Api.Features.ServiceClients;

internal static class ServiceClientsSetup
{
    public static IServiceCollection AddServiceClients(this IServiceCollection services)
    {
        services.AddSingleton<ServiceClientStore>();
        services.AddSingleton<ServiceClientsService>();
        return services;
    }
}
