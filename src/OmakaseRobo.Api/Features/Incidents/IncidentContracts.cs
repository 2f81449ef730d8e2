using System.ComponentModel.DataAnnotations;

namespace OmakaseRobo.Api.Features.Incidents;

public sealed record CreateIncidentRequest([property: Required] string? Title, [property: Required] string? Description, string? Severity, List<string>? AffectedTenantIds);

public sealed record CreatedIncident(string IncidentId, string Status);

public sealed record TransitionView(string From, string To, string ActorId, DateTimeOffset At, string Note);

/// <summary>An incident as its reader may see it: customers get no internal notes, reporter or other tenants.</summary>
public sealed record IncidentView(
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

public sealed record IncidentList(IReadOnlyList<IncidentView> Items);

public sealed record TransitionRequest([property: Required] string? To, string? Note);

public sealed record NoticeRequest([property: Required] string? Kind, [property: Required] string? Message);

public sealed record NoticeView(string NoticeId, string IncidentId, string Kind, string Message, DateTimeOffset CreatedAt);

public sealed record NoticeSent(string Kind, IReadOnlyList<string> TenantIds, DateTimeOffset CreatedAt);

public sealed record NoticeList(IReadOnlyList<NoticeView> Items);
