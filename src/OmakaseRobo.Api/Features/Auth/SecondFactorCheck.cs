using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>
/// The one check of a user's second factor, for signing in and for renewing the recovery codes: the attempt is
/// reserved on the sign-in counter and lock first (a stolen session cannot try codes for ever), then a TOTP code claims
/// its time step (no replay) or, where accepted, a recovery code is spent (once). The caller writes the audit record of
/// its own step and decides what follows a right code (the reservation is not given back here; it comes with the answer).
/// </summary>
internal sealed class SecondFactorCheck(UserLockoutStore lockouts, UserAuthenticatorStore authenticators, TotpAuthenticator totp, EnvelopeCipher cipher)
{
    public const string Totp = "totp";
    public const string RecoveryCode = "recovery-code";

    /// <summary>
    /// <see cref="Totp"/> or <see cref="RecoveryCode"/> and the attempt's reservation when the code is right;
    /// <see cref="Failure.LockedOut"/> when the user is locked (the code is not looked at), <see cref="Failure.Unauthorized"/>
    /// when it is wrong or already used. The user must have a TOTP seed.
    /// </summary>
    public async Task<Outcome<(string Method, Reservation Reservation)>> CheckAsync(
        UserRecord user, string code, bool acceptRecoveryCode, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reservation = await lockouts.ReserveAttemptAsync(user, now, cancellationToken).ConfigureAwait(false);
        if (reservation.RetryAfter is { } retryAfter)
        {
            return new Failure.LockedOut(retryAfter);
        }

        if (acceptRecoveryCode && TotpAuthenticator.LooksLikeRecoveryCode(code))
        {
            return await authenticators.ConsumeRecoveryCodeAsync(user, TotpAuthenticator.HashRecoveryCode(code), cancellationToken).ConfigureAwait(false)
                ? (RecoveryCode, reservation)
                : new Failure.Unauthorized();
        }

        var secret = await cipher.OpenAsync(user.TotpSecret!, TotpAuthenticator.SeedContext(user.TenantId, user.UserId), cancellationToken).ConfigureAwait(false);
        return totp.MatchingStep(secret, code) is { } step && await authenticators.ClaimTotpStepAsync(user, step, cancellationToken).ConfigureAwait(false)
            ? (Totp, reservation)
            : new Failure.Unauthorized();
    }
}
