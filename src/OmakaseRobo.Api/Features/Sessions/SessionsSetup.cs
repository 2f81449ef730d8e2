namespace OmakaseRobo.Api.Features.Sessions;

public static class SessionsSetup
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddSingleton<SessionStore>();
        services.AddSingleton<MfaChallengeStore>();
        return services;
    }
}
