using System.Text.Json;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Jobs;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// The verify-backups job (12.3.1). In local mode it first takes the day's local backup, since nothing else does.
/// Every run ends in a system audit event and one log line the alarms match: an Error starting with
/// <see cref="FailedMessage"/>, or an Information starting with <see cref="SucceededMessage"/>.
/// </summary>
internal sealed partial class VerifyBackupsJob(
    IBackupVerifier verifier, IAuditTrail audit, ILogger<VerifyBackupsJob> logger, LocalBackups? localBackups = null) : IComplianceJob
{
    public const string JobName = "verify-backups";
    public const string AuditAction = "backup.verify";

    // The CloudWatch metric filters in infra (Alarms.cs) match these prefixes: change them together.
    public const string FailedMessage = "backup verification failed";
    public const string SucceededMessage = "backup verification succeeded";

    public string Name => JobName;

    /// <summary>The job's run for the runner: a failed verification is a failed run (its report says why).</summary>
    async Task<JobOutcome> IComplianceJob.RunAsync(CancellationToken cancellationToken)
    {
        var report = await RunAsync(cancellationToken).ConfigureAwait(false);
        return new JobOutcome(report.Ok, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.BackupReport));
    }

    public async Task<BackupReport> RunAsync(CancellationToken cancellationToken)
    {
        BackupReport report;
        try
        {
            if (localBackups is not null)
            {
                await localBackups.TakeDailyAsync(cancellationToken).ConfigureAwait(false);
            }

            report = await verifier.VerifyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A verification that cannot even run proves nothing: it raises the same alarm, then the job fails.
            LogCrashed(logger, exception);
            await WriteAuditAsync("failure", new Dictionary<string, string> { ["error"] = exception.GetType().Name }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var details = report.Tables.ToDictionary(
            t => t.Table,
            t => t.Ok ? "ok" : string.Join("; ", t.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Reason}")));
        details["mode"] = report.Mode;
        if (report.Ok)
        {
            var restoreTests = string.Join(", ", report.Tables.Select(t => $"{t.Table}: restore test {t.RestoreTest?.Status}"));
            LogSucceeded(logger, report.Tables.Count, restoreTests);
            await WriteAuditAsync("success", details, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var failures = string.Join(" | ", report.Failures());
            LogFailed(logger, failures);
            await WriteAuditAsync("failure", details, cancellationToken).ConfigureAwait(false);
        }

        return report;
    }

    private Task WriteAuditAsync(string outcome, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEvent(AuditCategory.System, BuiltInRoles.PlatformTenantId, null, AuditAction, JobName, outcome, null, null, details),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Error, Message = FailedMessage + ": {Failures}")]
    private static partial void LogFailed(ILogger logger, string failures);

    [LoggerMessage(Level = LogLevel.Error, Message = FailedMessage + ": the job could not complete")]
    private static partial void LogCrashed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = SucceededMessage + ": {Tables} tables ({RestoreTests})")]
    private static partial void LogSucceeded(ILogger logger, int tables, string restoreTests);
}
