using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.OpenApi;

namespace OmakaseRobo.Api.Features.Vulnerabilities;

/// <summary>
/// 12.6.1 technical vulnerabilities: security officers record findings; each is due by its severity (critical
/// 24 h, high 7 days, medium 30 days, low the next maintenance day); open and overdue ones are listed; closing
/// needs a resolution note.
/// </summary>
public static class VulnerabilitiesApi
{
    public static IEndpointRouteBuilder MapVulnerabilitiesApi(this IEndpointRouteBuilder routes)
    {
        var findings = routes.MapGroup("/v1/vulnerabilities").WithTags("Vulnerabilities");
        findings.MapPost("/", Create).RequirePermission(tenant: null, Permissions.PlatformVulnerabilities)
            .WithSummary("Record a vulnerability").WithDescription("The due date follows the severity: critical 24 h, high 7 days, medium 30 days, low the next maintenance day.")
            .WithExamples("""{"title":"OpenSSL advisory","severity":"high","component":"base image","reference":"CVE-2026-0001"}""");
        findings.MapGet("/", List).RequirePermission(tenant: null, Permissions.PlatformRead)
            .WithSummary("List vulnerabilities").WithDescription("`status`: open (default), overdue, closed or all; ordered by due date.");
        findings.MapPost("/{vulnerabilityId}/resolution", Resolve).RequirePermission(tenant: null, Permissions.PlatformVulnerabilities)
            .WithSummary("Close a vulnerability").WithDescription("Closes the finding with a resolution note; whether it was overdue is recorded.")
            .WithExamples("""{"note":"Base image rebuilt with the fixed release"}""");
        return routes;
    }

    /// <summary>The guideline's deadline for a finding of this severity detected at <paramref name="detected"/>.</summary>
    public static DateTimeOffset DueAt(string severity, DateTimeOffset detected, VulnerabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return severity switch
        {
            "critical" => detected + options.CriticalDue,
            "high" => detected + options.HighDue,
            "medium" => detected + options.MediumDue,
            _ => NextMaintenance(detected, options.MaintenanceDayOfMonth),
        };
    }

    public static async Task<Results<Created<VulnerabilityView>, ValidationProblem>> Create(
        CreateVulnerabilityRequest request, Caller caller, VulnerabilityStore store, OmakaseOptions options, IAuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("title", Validate.Required(request.Title, 200)),
            ("severity", Validate.Required(request.Severity, 16) ?? (Severity.All.Contains(request.Severity) ? null : FieldMessages.UnknownValue)),
            ("component", request.Component is null ? null : Validate.Required(request.Component, 200)),
            ("reference", request.Reference is null ? null : Validate.Required(request.Reference, 200)));
        if (errors is not null)
        {
            return Problems.Validation(errors);
        }

        var now = clock.GetUtcNow();
        var finding = new VulnerabilityRecord(
            Ids.New("v"), request.Title!.Trim(), request.Severity!, request.Component?.Trim(), request.Reference?.Trim(), VulnerabilityRecord.Open,
            now, DueAt(request.Severity!, now, options.Vulnerabilities), caller.UserId, null, null, null);
        await store.CreateAsync(finding, cancellationToken);
        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, BuiltInRoles.PlatformTenantId, caller.UserId, "vulnerability.create", finding.VulnerabilityId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string> { ["severity"] = finding.Severity, ["dueAt"] = finding.DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }), cancellationToken);
        return TypedResults.Created($"/v1/vulnerabilities/{finding.VulnerabilityId}", VulnerabilityView.From(finding, now));
    }

    /// <summary>Query <c>status</c>: open (default), overdue, closed or all; overdue first by due date.</summary>
    public static async Task<Results<Ok<VulnerabilityList>, ValidationProblem>> List(
        string? status, VulnerabilityStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var filter = status ?? "open";
        if (filter is not ("open" or "overdue" or "closed" or "all"))
        {
            return Problems.Validation("status", FieldMessages.UnknownValue);
        }

        var now = clock.GetUtcNow();
        var findings = (await store.ListAsync(cancellationToken)).Where(v => filter switch
        {
            "open" => v.Status == VulnerabilityRecord.Open,
            "overdue" => v.IsOverdue(now),
            "closed" => v.Status == VulnerabilityRecord.Closed,
            _ => true,
        });
        return TypedResults.Ok(new VulnerabilityList([.. findings.OrderBy(v => v.DueAt).Select(v => VulnerabilityView.From(v, now))]));
    }

    public static async Task<Results<Ok<VulnerabilityView>, ValidationProblem, ProblemHttpResult>> Resolve(
        string vulnerabilityId, ResolveVulnerabilityRequest request, Caller caller, VulnerabilityStore store, IAuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Validate.Required(request.Note, 4000) is { } error)
        {
            return Problems.Validation("note", error);
        }

        var now = clock.GetUtcNow();
        var closed = await store.CloseAsync(vulnerabilityId, request.Note!.Trim(), caller.UserId, now, cancellationToken);
        if (closed is null)
        {
            return Problems.Of("not-found");
        }

        await audit.WriteAsync(new AuditEvent(
            AuditCategory.Operation, BuiltInRoles.PlatformTenantId, caller.UserId, "vulnerability.close", vulnerabilityId, "success", caller.SourceIp, caller.UserAgent,
            new Dictionary<string, string> { ["overdue"] = now > closed.DueAt ? "true" : "false" }), cancellationToken);
        return TypedResults.Ok(VulnerabilityView.From(closed, now));
    }

    private static DateTimeOffset NextMaintenance(DateTimeOffset detected, int dayOfMonth)
    {
        var day = Math.Clamp(dayOfMonth, 1, 28);
        var candidate = new DateTimeOffset(detected.Year, detected.Month, day, 0, 0, 0, TimeSpan.Zero);
        return candidate > detected ? candidate : candidate.AddMonths(1);
    }
}
