using OmakaseRobo.Api.Features.Audit;
using System.ComponentModel.DataAnnotations;

namespace OmakaseRobo.Api.Features.Incidents;

internal sealed record CreateHoldRequest([property: Required] string? TenantId, [property: Required] DateTimeOffset? From, [property: Required] DateTimeOffset? To);

internal sealed record HoldView(string HoldId, string IncidentId, string TenantId, DateTimeOffset From, DateTimeOffset To, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ReleasedAt, int ChainsHeld);

internal sealed record HoldList(IReadOnlyList<HoldView> Items);

/// <summary>One preserved audit record: its canonical JSON as exported (<c>data</c>) and the SHA-256 of those UTF-8 bytes.</summary>
internal sealed record EvidenceRecord(string Sha256, string Data);

/// <summary>The record as it goes into <see cref="EvidenceRecord.Data"/>: every field, chain links included.</summary>
internal sealed record EvidenceRecordData(
    string EventId, string TenantId, string Day, long Sequence, string Time, string Category, string? ActorId, string Action,
    string? Target, string Outcome, string? SourceIp, string? UserAgent, SortedDictionary<string, string> Details, string PrevHash, string Hash);

/// <summary>SHA-256 over the records' hashes, each as lower-case hex followed by a newline, in the order listed.</summary>
internal sealed record EvidenceManifest(string Algorithm, int RecordCount, string Sha256);

internal sealed record HoldVerification(string HoldId, AuditVerification Verification);

internal sealed record EvidenceExport(
    string IncidentId, DateTimeOffset ExportedAt, string ExportedBy, bool Complete, IReadOnlyList<HoldView> Holds,
    IReadOnlyList<EvidenceRecord> Records, EvidenceManifest Manifest, IReadOnlyList<HoldVerification> Verifications);
