using System.ComponentModel.DataAnnotations;
using OmakaseRobo.Api.Features.Incidents;

namespace OmakaseRobo.Api.Features.Vulnerabilities;

internal sealed record VulnerabilityRecord(
    string VulnerabilityId, string Title, string Severity, string? Component, string? Reference, string Status,
    DateTimeOffset DetectedAt, DateTimeOffset DueAt, string ReportedBy, DateTimeOffset? ClosedAt, string? Resolution, string? ClosedBy)
{
    public const string Open = "open";
    public const string Closed = "closed";

    public bool IsOverdue(DateTimeOffset now) => Status == Open && now > DueAt;
}

internal sealed record CreateVulnerabilityRequest([property: Required] string? Title, [property: Required] string? Severity, string? Component, string? Reference);

internal sealed record ResolveVulnerabilityRequest([property: Required] string? Note);

internal sealed record VulnerabilityView(
    string VulnerabilityId, string Title, string Severity, string? Component, string? Reference, string Status,
    DateTimeOffset DetectedAt, DateTimeOffset DueAt, bool Overdue, DateTimeOffset? ClosedAt, string? Resolution)
{
    public static VulnerabilityView From(VulnerabilityRecord v, DateTimeOffset now)
    {
        return new(v.VulnerabilityId, v.Title, v.Severity, v.Component, v.Reference, v.Status, v.DetectedAt, v.DueAt, v.IsOverdue(now), v.ClosedAt, v.Resolution);
    }
}

internal sealed record VulnerabilityList(IReadOnlyList<VulnerabilityView> Items);
