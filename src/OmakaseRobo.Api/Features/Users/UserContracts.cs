using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

internal sealed record CreateUserRequest([property: Required] string? Email, [property: Required] string? DisplayName, List<string>? Roles);

internal sealed record CreatedUser(string UserId, string TemporaryPassword);

internal sealed record UserSummary(
    string UserId, string Email, string DisplayName, IReadOnlyList<string> Roles, bool MfaEnabled, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LockedUntil = null)
{
    /// <summary>The user as listed at <paramref name="now"/>: a lock that has run out is no lock (null).</summary>
    public static UserSummary From(UserRecord user, DateTimeOffset now)
    {
        return new(
            user.UserId, user.Email, user.DisplayName, user.Roles, user.MfaEnabled, user.Status, user.CreatedAt, user.LastSignInAt,
            user.LockedUntil > now ? user.LockedUntil : null);
    }
}

internal sealed record UserList(IReadOnlyList<UserSummary> Items);
