using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

internal sealed record LoginRequest([property: Required] string? TenantId, [property: Required] string? Email, [property: Required] string? Password);

internal sealed record SessionResponse(string AccessToken, DateTimeOffset ExpiresAt, bool PasswordChangeRequired, bool MfaEnrollmentRequired);

internal sealed record MfaChallengeResponse(bool MfaRequired, string MfaToken);

internal sealed record MfaVerifyRequest([property: Required] string? MfaToken, [property: Required] string? Code);

internal sealed record MeResponse(
    string UserId, string TenantId, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions,
    bool MfaEnabled, bool PasswordChangeRequired, bool MfaEnrollmentRequired,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? RecoveryCodesRemaining);

internal sealed record ChangePasswordRequest([property: Required] string? CurrentPassword, [property: Required] string? NewPassword);

internal sealed record TotpEnrollmentResponse(string Secret, string OtpauthUri, string QrCodeSvg);

internal sealed record TotpConfirmRequest([property: Required] string? Code);

/// <summary>A current TOTP code: the fresh proof of the second factor that renewing the recovery codes needs.</summary>
internal sealed record RecoveryCodesRequest([property: Required] string? Code, string? CurrentPassword = null);

/// <summary>Optional: the current password, when the session was signed into more than 10 minutes ago.</summary>
internal sealed record TotpStartRequest(string? CurrentPassword);

internal sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

internal sealed record SessionItem(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt, bool Current, string? SourceIp, string? UserAgent);

internal sealed record SessionList(IReadOnlyList<SessionItem> Items);
