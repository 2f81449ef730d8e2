using System.Globalization;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Vulnerabilities;

/// <summary>
/// 12.6.1 technical vulnerabilities: security officers record findings; each is due by its severity (critical
/// 24 h, high 7 days, medium 30 days, low the next maintenance day); open and overdue ones are listed; closing
/// needs a resolution note.
/// </summary>
internal sealed class VulnerabilitiesService(VulnerabilityStore store, IAuditTrail audit, OmakaseOptions options, TimeProvider clock)
{
    /// <summary>The guideline's deadline for a finding of this severity detected at <paramref name="detected"/>.</summary>
    public static DateTimeOffset DueAt(string severity, DateTimeOffset detected, VulnerabilityOptions options)
    {
        return severity switch
        {
            "critical" => detected + options.CriticalDue,
            "high" => detected + options.HighDue,
            "medium" => detected + options.MediumDue,
            _ => NextMaintenance(detected, options.MaintenanceDayOfMonth),
        };
    }

    public async Task<Outcome<VulnerabilityView>> CreateAsync(CreateVulnerabilityRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("title", Validate.Required(request.Title, 200)),
            ("severity", Validate.Required(request.Severity, 16) ?? (Severity.All.Contains(request.Severity) ? null : FieldMessages.UnknownValue)),
            ("component", request.Component is null ? null : Validate.Required(request.Component, 200)),
            ("reference", request.Reference is null ? null : Validate.Required(request.Reference, 200)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var finding = new VulnerabilityRecord(
            Ids.New("v"), request.Title!.Trim(), request.Severity!, request.Component?.Trim(), request.Reference?.Trim(), VulnerabilityRecord.Open,
            now, DueAt(request.Severity!, now, options.Vulnerabilities), caller.UserId, null, null, null);
        var record = audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, "vulnerability.create", finding.VulnerabilityId, tenantId: BuiltInRoles.PlatformTenantId, details: new()
        {
            ["severity"] = finding.Severity,
            ["dueAt"] = finding.DueAt.ToString("O", CultureInfo.InvariantCulture),
        }));
        await store.CreateAsync(finding, record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return VulnerabilityView.From(finding, now);
    }

    /// <summary>Query <c>status</c>: open (default), overdue, closed or all; overdue first by due date.</summary>
    public async Task<Outcome<VulnerabilityList>> ListAsync(string? status, CancellationToken cancellationToken)
    {
        var filter = status ?? "open";
        if (filter is not ("open" or "overdue" or "closed" or "all"))
        {
            return Failure.InvalidField("status", FieldMessages.UnknownValue);
        }

        var now = clock.GetUtcNow();
        var findings = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(v => filter switch
        {
            "open" => v.Status == VulnerabilityRecord.Open,
            "overdue" => v.IsOverdue(now),
            "closed" => v.Status == VulnerabilityRecord.Closed,
            _ => true,
        });
        return new VulnerabilityList([.. findings.OrderBy(v => v.DueAt).Select(v => VulnerabilityView.From(v, now))]);
    }

    public async Task<Outcome<VulnerabilityView>> ResolveAsync(string vulnerabilityId, ResolveVulnerabilityRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (Validate.Text(request.Note, 4000) is { } error)
        {
            return Failure.InvalidField("note", error);
        }

        var now = clock.GetUtcNow();
        PendingAudit? record = null;
        var closed = await store.CloseAsync(vulnerabilityId, request.Note!.Trim(), caller.UserId, now, finding => record = audit.Stage(AuditEvent.By(
            caller, AuditCategory.Operation, "vulnerability.close", vulnerabilityId, tenantId: BuiltInRoles.PlatformTenantId, details: new()
            {
                ["overdue"] = now > finding.DueAt ? "true" : "false",
            })), cancellationToken).ConfigureAwait(false);
        if (closed is null || record is null)
        {
            return new Failure.NotFound();
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return VulnerabilityView.From(closed, now);
    }

    private static DateTimeOffset NextMaintenance(DateTimeOffset detected, int dayOfMonth)
    {
        var day = Math.Clamp(dayOfMonth, 1, 28);
        var candidate = new DateTimeOffset(detected.Year, detected.Month, day, 0, 0, 0, TimeSpan.Zero);
        return candidate > detected ? candidate : candidate.AddMonths(1);
    }
}
