namespace OmakaseRobo.Api.Features.Vulnerabilities;

internal static class VulnerabilitiesSetup
{
    public static IServiceCollection AddVulnerabilities(this IServiceCollection services)
    {
        services.AddSingleton<VulnerabilityStore>();
        services.AddSingleton<VulnerabilitiesService>();
        return services;
    }
}
