using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Storage;
using static OmakaseRobo.Api.Features.Compliance.ReportBuilder;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>16.1.1 incidents and their notices, 16.1.7 the trail's verification and the legal holds.</summary>
internal sealed class IncidentChecks(IncidentStore incidents, LegalHoldStore holds, OmakaseOptions options)
{
    public static readonly TimeSpan ChainVerificationPeriod = TimeSpan.FromHours(2); // hourly, plus one missed run

    public async Task AddAsync(ReportBuilder report, ComplianceFacts facts, CancellationToken cancellationToken)
    {
        var all = await incidents.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var open = all.Where(i => i.Status is not (IncidentPhase.Closed or IncidentPhase.Dismissed)).ToList();
        var deadline = options.Incidents.InitialNoticeDeadline;
        var needsNotice = all.Where(i => i.DetectedAt is not null && i.AffectedTenantIds.Count > 0).ToList();
        var missing = needsNotice.Where(i => i.InitialNoticeAt is null && report.Now - i.DetectedAt!.Value > deadline && open.Contains(i)).ToList();
        var sentLate = needsNotice.Where(i => i.InitialNoticeAt is { } sent && sent - i.DetectedAt!.Value > deadline).ToList();
        var evidence = new Dictionary<string, string> { ["openIncidents"] = Number(open.Count) };
        foreach (var phase in new[] { IncidentPhase.Reported }.Concat(IncidentPhase.Lifecycle.SkipLast(1)))
        {
            evidence["phase:" + phase] = Number(open.Count(i => i.Status == phase));
        }

        evidence["initialNoticeDeadline"] = $"{deadline.TotalHours:0} hours after detection";
        evidence["initialNoticeMissingPastDeadline"] = IdentityChecks.Ids(missing.Select(i => i.IncidentId));
        evidence["initialNoticeSentLate"] = IdentityChecks.Ids(sentLate.Select(i => i.IncidentId));
        report.Add("16.1.1", "open-incidents-and-notices",
            missing.Count > 0 ? CheckResult.Fail : sentLate.Count > 0 ? CheckResult.Attention : CheckResult.Pass, evidence);

        var verification = facts.Trail.Newest("job.verify-audit-chain");
        report.Add("16.1.7", "last-chain-verification",
            verification is null ? CheckResult.Attention
            : verification.Outcome != "success" ? CheckResult.Fail
            : report.Now - verification.At > ChainVerificationPeriod ? CheckResult.Attention
            : CheckResult.Pass,
            new()
            {
                ["lastRunAt"] = Time(verification?.At),
                ["outcome"] = verification?.Outcome ?? "none in the retained trail",
                ["eventId"] = verification?.EventId ?? "none",
                ["period"] = "hourly (job verify-audit-chain)",
                ["verifyNow"] = "GET /v1/audit/verification",
            });

        var allHolds = await holds.ListAsync(null, cancellationToken).ConfigureAwait(false);
        var active = allHolds.Where(h => h.IsActive).ToList();
        report.Add("16.1.7", "legal-holds", CheckResult.Pass, new()
        {
            ["activeHolds"] = Number(active.Count),
            ["releasedHolds"] = Number(allHolds.Count - active.Count),
            ["held"] = IdentityChecks.Ids(active.Select(h => $"{h.HoldId} ({h.TenantId}, incident {h.IncidentId}, {Time(h.From)}..{Time(h.To)})")),
        });
    }
}
