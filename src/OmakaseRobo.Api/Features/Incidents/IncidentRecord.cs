using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>The phases of 16.1.1, in order; a customer report starts before them and may be dismissed instead.</summary>
internal static class IncidentPhase
{
    public const string Reported = "reported";
    public const string Dismissed = "dismissed";
    public const string Detection = "detection";
    public const string InitialResponse = "initial-response";
    public const string Investigation = "investigation";
    public const string Recovery = "recovery";
    public const string PostIncident = "post-incident";
    public const string Closed = "closed";

    /// <summary>The lifecycle: each phase may only move to the next one.</summary>
    public static readonly string[] Lifecycle = [Detection, InitialResponse, Investigation, Recovery, PostIncident, Closed];

    /// <summary>The phase that may follow <paramref name="from"/>, as a set: reported can be accepted (detection) or dismissed.</summary>
    public static bool CanMove(string from, string to) => from switch
    {
        Reported => to is Detection or Dismissed,
        Closed or Dismissed => false,
        _ => Array.IndexOf(Lifecycle, from) is var i and >= 0 && i + 1 < Lifecycle.Length && Lifecycle[i + 1] == to,
    };

    public static bool IsAtOrAfter(string phase, string reference) =>
        Array.IndexOf(Lifecycle, phase) >= Array.IndexOf(Lifecycle, reference) && Array.IndexOf(Lifecycle, reference) >= 0;
}

internal static class Severity
{
    public static readonly string[] All = ["low", "medium", "high", "critical"];
}

/// <summary>One move of an incident, with who made it, when, and the internal note (operators only).</summary>
internal sealed record IncidentTransition(string From, string To, string ActorId, DateTimeOffset At, string Note);

internal sealed record IncidentRecord(
    string IncidentId,
    string Title,
    string Description,
    string Severity,
    string Status,
    string Source,
    string? ReporterTenantId,
    string? ReporterUserId,
    IReadOnlyList<string> AffectedTenantIds,
    IReadOnlyDictionary<string, DateTimeOffset> PhaseTimes,
    IReadOnlyList<IncidentTransition> Transitions,
    IReadOnlyList<string> NoticeKinds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DetectedAt,
    DateTimeOffset? InitialNoticeAt,
    string? DismissReason,
    LatestNotice? LatestNotice = null,
    string? RequestFingerprint = null)
{
    public const string FromOperator = "operator";
    public const string FromCustomer = "customer";

    /// <summary>The phase an incident starts in: a customer's report waits to be accepted.</summary>
    public string FirstPhase => FirstPhaseOf(Source);

    public static string FirstPhaseOf(string source) => source == FromOperator ? IncidentPhase.Detection : IncidentPhase.Reported;

    public bool Concerns(string tenantId) => AffectedTenantIds.Contains(tenantId) || ReporterTenantId == tenantId;
}

/// <summary>
/// The latest notice of an incident, stored on it in the notice's own transaction: its kind, the SHA-256 of its message,
/// when it was sent and its place (the key of its dispatch item). A notice call that repeats it is a retry of the call
/// that sent it (whose answer was lost or failed), answered with it instead of sending it again.
/// </summary>
internal sealed record LatestNotice(string Kind, string MessageSha256, DateTimeOffset At, int Sequence)
{
    public bool Repeats(string kind, string message) => Kind == kind && MessageSha256 == TextDigest.Sha256Hex(message);
}
