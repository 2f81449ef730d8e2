using OmakaseRobo.Api.Platform.Auditing;
namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The audit trail: every function writes to it, so it comes with the platform.</summary>
internal static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AuditCheckpointStore>();
        services.AddSingleton<AuditOutboxStore>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddSingleton<AuditOutboxDrain>();
        services.AddSingleton<AuditBuffer>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditBuffer>());
        services.AddSingleton<StartupRecord>(); // written with the first access record, not at start
        services.AddSingleton<IAccessRecords, AccessRecorder>();
        services.AddSingleton<AuditCursor>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<AuditIntegrityService>();
        services.AddSingleton<AuditRetention>();
        services.AddSingleton<LegalHoldStore>();
        services.AddSingleton<AuditPurgeLedger>();
        services.AddSingleton<AuditChainPurge>();
        return services;
    }

    /// <summary>The access record wraps everything after correlation, so requests refused early are recorded too.</summary>
    public static WebApplication UseAccessRecords(this WebApplication app)
    {
        app.UseMiddleware<AccessRecordMiddleware>();
        return app;
    }
}
