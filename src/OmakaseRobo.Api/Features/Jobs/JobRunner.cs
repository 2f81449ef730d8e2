using System.Diagnostics;
using System.Globalization;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Jobs;

namespace OmakaseRobo.Api.Features.Jobs;

/// <summary>The one way a job runs, from /events or the command line: claimed once per event, reported, logged and audited.</summary>
internal sealed partial class JobRunner(IEnumerable<IComplianceJob> jobs, JobRunStore runs, IAuditTrail audit, TimeProvider clock, ILogger<JobRunner> logger)
{
    /// <param name="OtherJob">Set when the event id was already used for another job: nothing ran, and there is no report.</param>
    public sealed record RunResult(bool Known, bool Duplicate, bool Ok, string Report, string? OtherJob = null);

    public IReadOnlyCollection<string> Names => [.. jobs.Select(j => j.Name).Order(StringComparer.Ordinal)];

    public async Task<RunResult> RunAsync(string name, string eventId, CancellationToken cancellationToken)
    {
        var job = jobs.FirstOrDefault(j => j.Name == name);
        if (job is null)
        {
            return new RunResult(false, false, false, string.Empty);
        }

        var (claimed, previous, claimedFor) = await runs.ClaimAsync(eventId, name, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!claimed && claimedFor is not null && claimedFor != name)
        {
            LogOtherJob(logger, name, eventId, claimedFor);
            return new RunResult(true, true, false, string.Empty, claimedFor);
        }

        if (!claimed)
        {
            LogDuplicate(logger, name, eventId);
            return new RunResult(true, true, true, previous ?? """{"state":"running"}""");
        }

        LogStarted(logger, name, eventId);
        var watch = Stopwatch.StartNew();
        var outcome = await job.RunAsync(cancellationToken).ConfigureAwait(false);
        var report = outcome.Report.GetRawText();
        await runs.CompleteAsync(eventId, report, outcome.Ok, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (outcome.Ok)
        {
            LogFinished(logger, name, watch.ElapsedMilliseconds, report);
        }
        else
        {
            LogFailed(logger, name, watch.ElapsedMilliseconds, report);
        }

        await audit.WriteAsync(new AuditEvent(
            AuditCategory.System, BuiltInRoles.PlatformTenantId, null, $"job.{name}", eventId, outcome.Ok ? "success" : "failure", null, null,
            new Dictionary<string, string>
            {
                ["durationMs"] = watch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture),
                ["report"] = report.Length > 2000 ? report[..2000] : report,
            }), cancellationToken).ConfigureAwait(false);
        return new RunResult(true, false, outcome.Ok, report);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "job {Job} started for event {EventId}")]
    private static partial void LogStarted(ILogger logger, string job, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {Job} finished in {Milliseconds} ms: {Report}")]
    private static partial void LogFinished(ILogger logger, string job, long milliseconds, string report);

    [LoggerMessage(Level = LogLevel.Error, Message = "job {Job} failed in {Milliseconds} ms: {Report}")]
    private static partial void LogFailed(ILogger logger, string job, long milliseconds, string report);

    [LoggerMessage(Level = LogLevel.Warning, Message = "job {Job}: event {EventId} was already used for the job {OtherJob}; not run")]
    private static partial void LogOtherJob(ILogger logger, string job, string eventId, string otherJob);

    [LoggerMessage(Level = LogLevel.Information, Message = "job {Job}: event {EventId} already handled, not run again")]
    private static partial void LogDuplicate(ILogger logger, string job, string eventId);
}
