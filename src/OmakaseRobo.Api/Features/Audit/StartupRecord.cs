using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>The system record of each start (18.1.3): which function, stage and region came up; queued, so it does not slow a cold start.</summary>
internal sealed class StartupRecord(AuditBuffer buffer, OmakaseOptions options, Runtime runtime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["function"] = options.Function,
            ["stage"] = options.Stage,
            ["inAws"] = runtime.InAws ? "true" : "false",
        };
        if (runtime.Region is { } region)
        {
            details["region"] = region;
        }

        await buffer.RecordAsync(new AuditEvent(
            AuditCategory.System, BuiltInRoles.PlatformTenantId, null, "service.start", runtime.FunctionName, "success", null, null, details)).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
