using Amazon;
using Amazon.SimpleSystemsManagement;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features;

/// <summary>Identity and access: every function needs them to know who calls.</summary>
public static class IdentitySetup
{
    public static IServiceCollection AddIdentity(this IServiceCollection services, OmakaseOptions options, Runtime runtime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        // The jobs function bootstraps the platform tenant and its operator, once per instance and off every user's
        // path (docs/performance.md); locally the all-in-one process serves jobs, so the first start still does it.
        if (options.Serves(Modules.Jobs))
        {
            services.AddHostedService<BootstrapOperator>();
            if (runtime.InAws && !string.IsNullOrEmpty(options.Bootstrap.OperatorPasswordParameter))
            {
                services.AddSingleton<IAmazonSimpleSystemsManagement>(_ => new AmazonSimpleSystemsManagementClient(RegionEndpoint.GetBySystemName(runtime.Region)));
            }

            services.AddSingleton(sp => new OperatorPasswordSource(options, sp.GetService<IAmazonSimpleSystemsManagement>()));
        }

        services.AddSingleton<TenantStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<MfaChallengeStore>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<TotpAuthenticator>();
        services.AddSingleton<AuthService>();
        services.AddSingleton<UsersService>();
        services.AddSingleton<RoleStore>();
        services.AddSingleton<RolesService>();
        services.AddSingleton<AccessReviewService>();
        return services;
    }

    public static WebApplication UseAccessControl(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.UseMiddleware<AccessMiddleware>();
        return app;
    }
}
