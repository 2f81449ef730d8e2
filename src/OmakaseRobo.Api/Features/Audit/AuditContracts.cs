using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace OmakaseRobo.Api.Features.Audit;

// Properties, not constructor parameters: the request delegate generator cannot bind nullable ones (dotnet/aspnetcore#58953).

/// <summary>The query of GET /v1/audit/verification.</summary>
public sealed record AuditVerificationQuery
{
    [FromQuery(Name = "tenantId")]
    public string? TenantId { get; init; }

    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [FromQuery(Name = "to")]
    public string? To { get; init; }
}

/// <summary>What the verifier found; <see cref="FirstBrokenEventId"/> and <see cref="Problem"/> are null when intact.</summary>
public sealed record AuditVerification(
    bool Intact,
    long CheckedEvents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FirstBrokenEventId,
    int CheckedChains,
    int CheckedCheckpoints,
    string? Problem);

/// <summary>What a checkpoint run signed.</summary>
public sealed record CheckpointReport(int ChainsSigned, int Tenants, string KeyId, DateTimeOffset At);
