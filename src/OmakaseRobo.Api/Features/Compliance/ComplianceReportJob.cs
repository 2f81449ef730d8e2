using System.Text.Json;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>
/// compliance-report, monthly: the live report, signed, stored as signed and audited, so auditors see past months.
/// Failed checks are findings the report carries, not a failure of the job.
/// </summary>
internal sealed class ComplianceReportJob(ComplianceService compliance) : IComplianceJob
{
    public const string JobName = "compliance-report";

    public string Name => JobName;

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var signed = await compliance.StoreReportAsync(cancellationToken).ConfigureAwait(false);
        var report = new ComplianceReportJobReport(true, signed.Report.ReportId!, signed.Report.GeneratedAt, signed.Report.Summary);
        return new JobOutcome(true, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.ComplianceReportJobReport));
    }
}
