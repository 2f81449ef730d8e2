using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

public sealed record LoginRequest([property: Required] string? TenantId, [property: Required] string? Email, [property: Required] string? Password);

public sealed record SessionResponse(string AccessToken, DateTimeOffset ExpiresAt, bool PasswordChangeRequired, bool MfaEnrollmentRequired);

public sealed record MfaChallengeResponse(bool MfaRequired, string MfaToken);

public sealed record MfaVerifyRequest([property: Required] string? MfaToken, [property: Required] string? Code);

public sealed record MeResponse(
    string UserId, string TenantId, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions,
    bool MfaEnabled, bool PasswordChangeRequired, bool MfaEnrollmentRequired,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? RecoveryCodesRemaining);

public sealed record ChangePasswordRequest([property: Required] string? CurrentPassword, [property: Required] string? NewPassword);

public sealed record TotpEnrollmentResponse(string Secret, string OtpauthUri, string QrCodeSvg);

public sealed record TotpConfirmRequest([property: Required] string? Code);

/// <summary>A current TOTP code: the fresh proof of the second factor that renewing the recovery codes needs.</summary>
public sealed record RecoveryCodesRequest([property: Required] string? Code, string? CurrentPassword = null);

/// <summary>Optional: the current password, when the session was signed into more than 10 minutes ago.</summary>
public sealed record TotpStartRequest(string? CurrentPassword);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

public sealed record SessionItem(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt, bool Current, string? SourceIp, string? UserAgent);

public sealed record SessionList(IReadOnlyList<SessionItem> Items);
