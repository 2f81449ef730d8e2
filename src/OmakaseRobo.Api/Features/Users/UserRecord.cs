using OmakaseRobo.Api.Platform.Storage;
namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// A user as stored: the minimum of 9.2.1 (email, display name, roles) plus credential data. Secrets are
/// never here in clear: a bcrypt hash, envelope-encrypted TOTP seeds, SHA-256 hashes of recovery codes.
/// </summary>
internal sealed record UserRecord(
    string TenantId,
    string UserId,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string Status,
    string? PasswordHash,
    bool PasswordChangeRequired,
    bool MfaEnabled,
    string? TotpSecret,
    string? TotpPendingSecret,
    long? LastTotpStep,
    IReadOnlyList<string> RecoveryCodeHashes,
    string SecurityStamp,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    DateTimeOffset? LastPrivilegedActionAt = null,
    DateTimeOffset? TemporaryPasswordExpiresAt = null,
    DateTimeOffset? MfaResetAt = null)
{
    public const string Active = "active";
    public const string Deleted = "deleted";
    public const string Suspended = "suspended";

    public bool IsActive => Status == Active;

    /// <summary>A pseudonymous tombstone: no longer a user anyone can see or change.</summary>
    public bool IsDeleted => Status == Deleted;

    /// <summary>A temporary password past its lifetime signs in no more (the same 401 as a wrong one).</summary>
    public bool TemporaryPasswordExpired(DateTimeOffset now) => PasswordChangeRequired && now >= TemporaryPasswordExpiresAt;

    /// <summary>An operator reset the second factor and the user has not enrolled again yet.</summary>
    public bool MfaResetPending => MfaResetAt is not null && !MfaEnabled;
}
