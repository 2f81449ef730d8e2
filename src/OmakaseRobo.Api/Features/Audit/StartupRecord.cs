using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The system record of each start (18.1.3): which function, stage and region came up. Written with the first request's
/// access record, not at start, so nothing writes to storage on the cold path before a request needs it (issue 17); its
/// time is the first request's, milliseconds after the start.
/// </summary>
internal sealed class StartupRecord(OmakaseOptions options, Runtime runtime)
{
    private int taken;

    /// <summary>The start record, the first time it is asked for; null after.</summary>
    public AuditEvent? TakeOnce()
    {
        if (Interlocked.Exchange(ref taken, 1) == 1)
        {
            return null;
        }

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

        return new AuditEvent(AuditCategory.System, BuiltInRoles.PlatformTenantId, null, "service.start", runtime.FunctionName, "success", null, null, details);
    }
}
