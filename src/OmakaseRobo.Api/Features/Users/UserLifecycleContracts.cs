using System.Text.Json.Serialization;

namespace OmakaseRobo.Api.Features.Users;

public sealed record SetUserStatusRequest(string? Status, string? Reason);

/// <summary>A live session of a user as an admin sees it; sourceIp and userAgent are always present (null when unknown).</summary>
public sealed record UserSessionItem(
    string SessionId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? SourceIp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? UserAgent);

public sealed record UserSessionList(IReadOnlyList<UserSessionItem> Items);
