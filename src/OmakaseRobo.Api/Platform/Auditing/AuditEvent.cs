using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Platform.Auditing;

/// <summary>The four record kinds of guideline 18.1.3.</summary>
internal static class AuditCategory
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
internal sealed record AuditEvent(
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

    /// <summary>
    /// What a signed-in caller did in <paramref name="tenantId"/> (their own tenant unless given): the one way areas build
    /// the event of a caller's action. A caller acting in another tenant is named by <c>actorTenantId</c>.
    /// </summary>
    public static AuditEvent By(
        Caller caller, string category, string action, string? target, string outcome = "success",
        Dictionary<string, string>? details = null, string? tenantId = null)
    {
        var tenant = tenantId ?? caller.TenantId;
        if (details is not null || tenant != caller.TenantId)
        {
            details ??= [];
            details["actorTenantId"] = caller.TenantId;
        }

        return new AuditEvent(category, tenant, caller.UserId, action, target, outcome, caller.SourceIp, caller.UserAgent, details);
    }
}
