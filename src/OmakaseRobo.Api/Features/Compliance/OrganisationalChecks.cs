using static OmakaseRobo.Api.Features.Compliance.ReportBuilder;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>Controls done by people (policy reviews, audits, the weekly scan): attested while the newest attestation is within its period.</summary>
internal sealed class OrganisationalChecks(ComplianceStore store)
{
    public async Task AddAsync(ReportBuilder report, CancellationToken cancellationToken)
    {
        var items = Guideline.Items.Where(i => i.IsOrganisational).Select(i => (i.Number, Name: "attestation", Period: i.AttestationPeriod!.Value))
            .Append(("12.6.1", "weekly-vulnerability-scan", Guideline.WeeklyScan));
        foreach (var (number, name, period) in items)
        {
            var latest = await store.LatestAttestationAsync(number, cancellationToken).ConfigureAwait(false);
            var current = latest is not null && report.Now - latest.PerformedAt <= period;
            report.Add(number, name, current ? CheckResult.Attested : CheckResult.Attention, new()
            {
                ["period"] = $"{Days(period)} days",
                ["performedAt"] = Time(latest?.PerformedAt),
                ["summary"] = latest?.Summary ?? "no attestation recorded",
                ["reference"] = latest?.Reference ?? "none",
                ["attestationId"] = latest?.AttestationId ?? "none",
                ["recordedBy"] = latest?.RecordedBy ?? "none",
                ["validUntil"] = Time(latest?.ValidUntil),
            });
        }
    }
}
