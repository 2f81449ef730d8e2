using System.Text.Json;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Jobs;

internal sealed record AuditChainReport(bool Ok, OutboxReport Outbox, int HeldItemsReapplied, CheckpointReport Checkpoint, AuditVerification Verification);

/// <summary>
/// verify-audit-chain (16.1.7), hourly: signs every chain head that grew, keeps legal holds whole (records and
/// checkpoints appended since are held too), then verifies the whole retained trail. A broken trail fails the job, which raises the alarm.
/// First it drains the audit outbox, so records whose process died after the commit are in the chains it signs; a
/// record it could not append fails the job.
/// </summary>
internal sealed class VerifyAuditChainJob(LegalHoldService holds, AuditIntegrityService integrity, AuditOutboxDrain outbox) : IComplianceJob
{
    public string Name => "verify-audit-chain";

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var drained = await outbox.DrainAsync(cancellationToken).ConfigureAwait(false);
        var checkpoint = await integrity.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        // After the checkpoint, so the checkpoints just written to held chains are held too.
        var reapplied = await holds.ReapplyAsync(cancellationToken).ConfigureAwait(false);
        var verification = await integrity.VerifyAsync(null, null, null, requestedBy: null, cancellationToken).ConfigureAwait(false);
        var report = new AuditChainReport(verification.Intact && drained.Found == drained.Appended, drained, reapplied, checkpoint, verification);
        return new JobOutcome(report.Ok, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.AuditChainReport));
    }
}
