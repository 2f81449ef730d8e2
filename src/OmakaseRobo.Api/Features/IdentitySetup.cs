using Amazon;
using Amazon.SimpleSystemsManagement;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features;

/// <summary>Identity and access: every function needs them to know who calls.</summary>
public static class IdentitySetup
{
    public static IServiceCollection AddIdentity(this IServiceCollection services, OmakaseOptions options, Runtime runtime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtime);
        if (options.Serves(Modules.Admin))
        {
            services.AddHostedService<BootstrapOperator>(); // the admin function owns the platform tenant
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
        app.Services.GetRequiredService<PasswordHasher>().Warm();
        app.UseRouting();
        app.UseMiddleware<AccessMiddleware>();
        return app;
    }
}
