namespace OmakaseRobo.Api.Platform.Auditing;

/// <summary>The four record kinds of guideline 18.1.3.</summary>
public static class AuditCategory
{
    public const string Access = "access";
    public const string Operation = "operation";
    public const string Auth = "auth";
    public const string System = "system";

    public static readonly string[] All = [Access, Operation, Auth, System];
}

/// <summary>
/// One audit record. Never holds a secret: no password, token, TOTP or recovery code, webhook secret.
/// <paramref name="Details"/> says what changed, as plain names and values.
/// </summary>
public sealed record AuditEvent(
    string Category,
    string TenantId,
    string? ActorId,
    string Action,
    string? Target,
    string Outcome,
    string? SourceIp,
    string? UserAgent,
    IReadOnlyDictionary<string, string>? Details = null)
{
    /// <summary>When it happened, for records written after the fact (access records); the trail stamps "now" when absent.</summary>
    public DateTimeOffset? OccurredAt { get; init; }
}
