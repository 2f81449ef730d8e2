using System.Text.Json.Serialization;

namespace OmakaseRobo.Api.Features.Users;

internal sealed record SetUserStatusRequest(string? Status, string? Reason);

/// <summary>Why an operator resets a user's password or MFA (recorded in the user's audit trail).</summary>
internal sealed record ResetRequest(string? Reason);

internal sealed record PasswordResetResponse(string TemporaryPassword, DateTimeOffset ExpiresAt);

/// <summary>A live session of a user as an admin sees it; sourceIp and userAgent are always present (null when unknown).</summary>
internal sealed record UserSessionItem(
    string SessionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? SourceIp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? UserAgent);

internal sealed record UserSessionList(IReadOnlyList<UserSessionItem> Items);
