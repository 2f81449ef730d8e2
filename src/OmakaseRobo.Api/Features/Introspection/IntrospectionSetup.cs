namespace OmakaseRobo.Api.Features.Introspection;

internal static class IntrospectionSetup
{
    public static IServiceCollection AddIntrospection(this IServiceCollection services)
    {
        services.AddSingleton<ServiceClientRefusals>();
        services.AddSingleton<IntrospectionService>();
        return services;
    }
}
