using Amazon;
using Amazon.SimpleSystemsManagement;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

internal static class UsersSetup
{
    public static IServiceCollection AddUsers(this IServiceCollection services, OmakaseOptions options, Runtime runtime)
    {
        // The jobs function bootstraps the platform tenant and its operator, once per instance and off every user's
        // path (docs/performance.md); locally the all-in-one process serves jobs, so the first start still does it.
        if (options.Serves(Modules.Jobs))
        {
            services.AddHostedService<BootstrapOperator>();
            if (runtime.InAws && !string.IsNullOrEmpty(options.Bootstrap.OperatorPasswordParameter))
            {
                services.AddSingleton<IAmazonSimpleSystemsManagement>(_ => new AmazonSimpleSystemsManagementClient(
                    new AmazonSimpleSystemsManagementConfig { RegionEndpoint = RegionEndpoint.GetBySystemName(runtime.Region) }.Budgeted(options.Dependencies.Ssm))
                    .Named(DependencyClients.Ssm));
            }

            services.AddSingleton(sp => new OperatorPasswordSource(options, sp.GetService<IAmazonSimpleSystemsManagement>()));
        }

        services.AddSingleton<UserStore>();
        services.AddSingleton<UserLockoutStore>();
        services.AddSingleton<UserAuthenticatorStore>();
        services.AddSingleton<UserPasswordStore>();
        services.AddSingleton<UserRoleStore>();
        services.AddSingleton<UsersService>();
        services.AddSingleton<UserRolesService>();
        services.AddSingleton<UserLifecycleStore>();
        services.AddSingleton<UserLifecycleService>();
        return services;
    }
}
