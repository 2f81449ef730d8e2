using System.Collections.Frozen;
using System.Reflection;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Access;

/// <summary>The signed-in user behind a request, as resolved from their session on this very request.</summary>
internal sealed record Caller(
    string TenantId,
    string UserId,
    string SessionId,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    FrozenSet<string> Permissions,
    bool MfaEnabled,
    bool PasswordChangeRequired,
    bool MfaEnrollmentRequired,
    string? SourceIp,
    string? UserAgent)
{
    /// <summary>SHA-256 of the caller's own token: how logout finds the session to end.</summary>
    public string TokenHash { get; init; } = string.Empty;

    /// <summary>The security stamp the caller's session was issued under: a change that finds another one lost a race.</summary>
    public string SessionStamp { get; init; } = string.Empty;

    /// <summary>Unused recovery codes of a user with MFA; null without MFA (read with the session, so /v1/me costs no extra read).</summary>
    public int? RecoveryCodesRemaining { get; init; }

    /// <summary>A platform user, or a tenant user holding a privileged role (see <see cref="Privilege"/>).</summary>
    public bool IsPrivileged { get; init; }

    /// <summary>When the caller's session was signed into: what a fresh authentication is measured by.</summary>
    public DateTimeOffset SignedInAt { get; init; }

    public bool IsPlatform => TenantId == BuiltInRoles.PlatformTenantId;

    public bool IsRestricted => PasswordChangeRequired || MfaEnrollmentRequired;

    public bool Has(string permission) => Permissions.Contains(permission);

    /// <summary>Minimal-API binding: the access middleware has resolved the caller before any handler runs.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        return ValueTask.FromResult(context.Features.Get<Caller>());
    }
}
