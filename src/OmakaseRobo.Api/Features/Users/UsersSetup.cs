using Amazon;
using Amazon.SimpleSystemsManagement;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Users;

public static class UsersSetup
{
    public static IServiceCollection AddUsers(this IServiceCollection services, OmakaseOptions options, Runtime runtime)
    {
        if (options.Serves(Modules.Admin))
        {
            services.AddHostedService<BootstrapOperator>(); // the admin function owns the platform tenant
            if (runtime.InAws && !string.IsNullOrEmpty(options.Bootstrap.OperatorPasswordParameter))
            {
                services.AddSingleton<IAmazonSimpleSystemsManagement>(_ => new AmazonSimpleSystemsManagementClient(RegionEndpoint.GetBySystemName(runtime.Region)));
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
