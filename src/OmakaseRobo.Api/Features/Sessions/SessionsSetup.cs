namespace OmakaseRobo.Api.Features.Sessions;

internal static class SessionsSetup
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddSingleton<SessionStore>();
        services.AddSingleton<MfaChallengeStore>();
        return services;
    }
}
