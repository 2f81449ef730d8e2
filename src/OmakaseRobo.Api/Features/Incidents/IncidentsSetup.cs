namespace OmakaseRobo.Api.Features.Incidents;

internal static class IncidentsSetup
{
    public static IServiceCollection AddIncidents(this IServiceCollection services)
    {
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<NoticeOutbox>();
        services.AddSingleton<Webhooks.IUnfinishedDeliveries>(sp => sp.GetRequiredService<NoticeOutbox>()); // finished by retry-webhooks
        services.AddSingleton<IncidentsService>();
        services.AddSingleton<LegalHoldService>();
        return services;
    }
}
