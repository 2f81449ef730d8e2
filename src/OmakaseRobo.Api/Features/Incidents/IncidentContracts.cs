using System.ComponentModel.DataAnnotations;

namespace OmakaseRobo.Api.Features.Incidents;

internal sealed record CreateIncidentRequest([property: Required] string? Title, [property: Required] string? Description, string? Severity, List<string>? AffectedTenantIds);

internal sealed record CreatedIncident(string IncidentId, string Status);

internal sealed record TransitionView(string From, string To, string ActorId, DateTimeOffset At, string Note);

/// <summary>An incident as its reader may see it: customers get no internal notes, reporter or other tenants.</summary>
internal sealed record IncidentView(
    string IncidentId,
    string Title,
    string Description,
    string Severity,
    string Status,
    string Source,
    IReadOnlyDictionary<string, DateTimeOffset> PhaseTimes,
    IReadOnlyList<string> Notices,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DetectedAt,
    DateTimeOffset? InitialNoticeAt,
    double? SecondsToInitialNotice,
    bool InitialNoticeOverdue,
    string? DismissReason,
    IReadOnlyList<string>? AffectedTenantIds,
    string? ReporterTenantId,
    IReadOnlyList<TransitionView>? Transitions);

internal sealed record IncidentList(IReadOnlyList<IncidentView> Items);

internal sealed record TransitionRequest([property: Required] string? To, string? Note);

internal sealed record NoticeRequest([property: Required] string? Kind, [property: Required] string? Message);

internal sealed record NoticeView(string NoticeId, string IncidentId, string Kind, string Message, DateTimeOffset CreatedAt);

internal sealed record NoticeSent(string Kind, IReadOnlyList<string> TenantIds, DateTimeOffset CreatedAt);

internal sealed record NoticeList(IReadOnlyList<NoticeView> Items);
