namespace OmakaseRobo.Api.Features.Auth;

internal static class AuthSetup
{
    public static IServiceCollection AddAuth(this IServiceCollection services)
    {
        services.AddSingleton<TotpAuthenticator>();
        services.AddSingleton<SecondFactorCheck>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<AccountService>();
        return services;
    }
}
