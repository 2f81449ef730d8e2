using System.Text.Json.Serialization;
using OmakaseRobo.Api.Features.Incidents;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>The results a check can have; an item takes the worst of its checks (fail before attention before the rest).</summary>
internal static class CheckResult
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Attention = "attention";
    public const string Attested = "attested";
    public const string NotApplicable = "not-applicable";

    /// <summary>Worst first: the order an item's own result is chosen in.</summary>
    public static readonly string[] Severity = [Fail, Attention, Attested, Pass, NotApplicable];

    public static string Worst(IEnumerable<string> results)
    {
        var set = results.ToHashSet(StringComparer.Ordinal);
        return Severity.FirstOrDefault(set.Contains) ?? NotApplicable;
    }
}

internal sealed record ItemTitle(string Ja, string En);

/// <summary>One live check: what it looked at is in <see cref="Evidence"/> (counts, ids, times, the job report it came from).</summary>
internal sealed record ComplianceCheck(string Name, string Result, IReadOnlyDictionary<string, string> Evidence, DateTimeOffset CheckedAt);

internal sealed record ComplianceItem(string Number, ItemTitle Title, string Result, IReadOnlyList<ComplianceCheck> Checks);

/// <summary>Checks per result, over every item.</summary>
internal sealed record ComplianceSummary(int Items, int Checks, int Pass, int Fail, int Attention, int Attested, int NotApplicable);

/// <summary>ECDSA P-256 over SHA-256 of the canonical JSON (see docs/compliance.md), DER, in base64.</summary>
internal sealed record ReportSignature(string Algorithm, string KeyId, string Value)
{
    public const string EcdsaP256Sha256 = "ECDSA-P256-SHA256";
}

/// <summary>The report. <see cref="Signature"/> is always the last member, so the canonical form is the document without it.</summary>
internal sealed record ComplianceReport(
    string? ReportId,
    DateTimeOffset GeneratedAt,
    string Stage,
    string Region,
    IReadOnlyList<ComplianceItem> Items,
    ComplianceSummary Summary,
    ReportSignature? Signature = null)
{
    [JsonIgnore]
    public bool AnyFailed => Summary.Fail > 0;
}

/// <summary>A signed report and its JSON exactly as signed and served.</summary>
internal sealed record SignedReport(ComplianceReport Report, string Json);

internal sealed record AttestationRequest(string? Item, string? Summary, string? Reference, string? PerformedAt);

internal sealed record AttestationView(
    string AttestationId, string Item, string Summary, string? Reference, DateTimeOffset PerformedAt, DateTimeOffset RecordedAt, string RecordedBy, DateTimeOffset ValidUntil);

internal sealed record StoredReportSummary(string ReportId, DateTimeOffset GeneratedAt, ComplianceSummary Summary, string KeyId);

internal sealed record StoredReportList(IReadOnlyList<StoredReportSummary> Items);

internal sealed record SigningKeyView(string KeyId, string Algorithm, string PublicKeyPem);

/// <summary>What the compliance-report job answers: the stored report's id and counts.</summary>
internal sealed record ComplianceReportJobReport(bool Ok, string ReportId, DateTimeOffset GeneratedAt, ComplianceSummary Summary);
