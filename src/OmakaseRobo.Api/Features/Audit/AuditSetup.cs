namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The audit trail: every function writes to it, so it comes with the platform.</summary>
public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AuditCheckpointStore>();
        services.AddSingleton<IAuditTrail, AuditTrail>();
        services.AddSingleton<AuditBuffer>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditBuffer>());
        services.AddHostedService<StartupRecord>();
        services.AddSingleton<AuditCursor>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<AuditIntegrityService>();
        services.AddSingleton<AuditRetention>();
        return services;
    }
}
