using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>The TOTP seed (sealed), its replay guard and the recovery codes on the user item (Identity's IUserAuthenticatorKeyStore).</summary>
internal sealed class UserAuthenticatorStore(UserStore users)
{
    /// <summary>Enrolment writes assume MFA is off, and say so in their condition (binds :false).</summary>
    private const string MfaOff = "(attribute_not_exists(mfaEnabled) OR mfaEnabled = :false)";

    /// <summary>A pending seed, only while MFA is off: false when it is on (a confirmation won the race).</summary>
    public Task<bool> SetPendingTotpAsync(UserRecord user, string sealedSecret, PendingAudit record, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(user, "SET totpPending = :secret", $"#status = :active AND {MfaOff}",
            new() { [":secret"] = Attr.S(sealedSecret), [":false"] = Attr.Bool(false) }, cancellationToken, record);

    /// <summary>Turns the pending seed into the active one, with the step just used and fresh recovery codes.</summary>
    public Task<bool> ConfirmTotpAsync(UserRecord user, long step, IEnumerable<string> recoveryCodeHashes, PendingAudit record, CancellationToken cancellationToken)
    {
        return users.TryUpdateAsync(
            user,
            "SET totpSecret = totpPending, mfaEnabled = :true, lastTotpStep = :step, recoveryCodes = :codes REMOVE totpPending, mfaResetAt",
            $"#status = :active AND totpPending = :pending AND {MfaOff}",
            new()
            {
                [":true"] = Attr.Bool(true),
                [":false"] = Attr.Bool(false),
                [":step"] = Attr.N(step),
                [":codes"] = Attr.StringSet(recoveryCodeHashes),
                [":pending"] = Attr.S(user.TotpPendingSecret ?? string.Empty),
            },
            cancellationToken,
            record);
    }

    /// <summary>Replay protection: a TOTP step is accepted once, even by parallel requests (a conditional write).</summary>
    public Task<bool> ClaimTotpStepAsync(UserRecord user, long step, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(user, "SET lastTotpStep = :step", "#status = :active AND (attribute_not_exists(lastTotpStep) OR lastTotpStep < :step)",
            new() { [":step"] = Attr.N(step) }, cancellationToken);

    /// <summary>Ten new recovery codes replace every older one, for the seed the caller just proved (false when it changed meanwhile).</summary>
    public Task<bool> ReplaceRecoveryCodesAsync(UserRecord user, IEnumerable<string> recoveryCodeHashes, PendingAudit record, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(user, "SET recoveryCodes = :codes", "#status = :active AND mfaEnabled = :true AND totpSecret = :secret",
            new() { [":codes"] = Attr.StringSet(recoveryCodeHashes), [":true"] = Attr.Bool(true), [":secret"] = Attr.S(user.TotpSecret ?? string.Empty) },
            cancellationToken, record);

    /// <summary>A recovery code is removed as it is used, atomically, so it works once.</summary>
    public Task<bool> ConsumeRecoveryCodeAsync(UserRecord user, string codeHash, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(user, "DELETE recoveryCodes :code", "#status = :active AND contains(recoveryCodes, :hash)",
            new() { [":code"] = Attr.StringSet([codeHash]), [":hash"] = Attr.S(codeHash) }, cancellationToken);
}
