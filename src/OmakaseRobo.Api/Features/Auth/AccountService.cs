using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>What a signed-in user does about their own account: sign out, change the password, enrol TOTP, end sessions.</summary>
internal sealed class AccountService(
    UserStore users,
    UserPasswordStore passwords,
    UserLockoutStore lockouts,
    UserAuthenticatorStore authenticators,
    SecondFactorCheck secondFactor,
    SessionStore sessions,
    PasswordHasher hasher,
    TotpAuthenticator totp,
    EnvelopeCipher cipher,
    IAuditTrail audit,
    TimeProvider clock)
{
    /// <summary>How long after signing in a session may change a factor without giving the password again.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(10);

    public async Task LogoutAsync(Caller caller, CancellationToken cancellationToken)
    {
        var record = Stage(caller, "logout", caller.SessionId);
        await sessions.DeleteAsync(caller.TokenHash, record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<Completed>> ChangePasswordAsync(Caller caller, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        if (user.SecurityStamp != caller.SessionStamp)
        {
            return new Failure.Conflict("The password was changed meanwhile."); // another session of the user won the race
        }

        if (await ProvePasswordAsync(caller, user, currentPassword, "password.change", cancellationToken).ConfigureAwait(false) is { } wrong)
        {
            return wrong;
        }

        var problems = PasswordPolicy.Check(newPassword, user.Email);
        if (problems.Count == 0 && hasher.Verify(newPassword, user.PasswordHash))
        {
            problems.Add("password-reused");
        }

        if (problems.Count > 0)
        {
            return new Failure.Invalid(new() { ["newPassword"] = [.. problems] });
        }

        var stamp = UserStore.NewStamp();
        var record = Stage(caller, "password.change", caller.UserId);
        if (!await passwords.ChangePasswordAsync(user, hasher.Hash(newPassword), sessions.KeepUnderNewStamp(caller.TokenHash, stamp), stamp, record, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.Conflict("The password was changed meanwhile.");
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        await sessions.RevokeAllForUserAsync(caller.TenantId, caller.UserId, keepSessionId: caller.SessionId, cancellationToken).ConfigureAwait(false);
        return Completed.Value;
    }

    /// <summary>
    /// Conflict when MFA is already on (enrolment never silently replaces an active seed, even racing a confirmation: the
    /// write is conditional on MFA being off). Needs a fresh authentication.
    /// </summary>
    public async Task<Outcome<TotpEnrollmentResponse>> StartTotpEnrollmentAsync(Caller caller, string? currentPassword, CancellationToken cancellationToken)
    {
        var enabled = new Failure.Conflict("MFA is already enabled.");
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        if (caller.MfaEnabled || user.MfaEnabled)
        {
            return enabled;
        }

        if (await FreshAuthenticationAsync(caller, user, currentPassword, "mfa.enrolment.start", cancellationToken).ConfigureAwait(false) is { } stale)
        {
            return stale;
        }

        var secret = TotpAuthenticator.NewSecret();
        var sealedSecret = await cipher.SealAsync(secret, TotpAuthenticator.SeedContext(user.TenantId, user.UserId), cancellationToken).ConfigureAwait(false);
        var record = Stage(caller, "mfa.enrolment.start", caller.UserId);
        if (!await authenticators.SetPendingTotpAsync(user, sealedSecret, record, cancellationToken).ConfigureAwait(false))
        {
            return enabled;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        var base32 = TotpAuthenticator.Base32(secret);
        var uri = TotpAuthenticator.OtpAuthUri(base32, user.Email);
        return new TotpEnrollmentResponse(base32, uri, TotpAuthenticator.QrCodeSvg(uri));
    }

    /// <summary>The recovery codes (shown once) when the code proves the pending seed.</summary>
    public async Task<Outcome<RecoveryCodesResponse>> ConfirmTotpAsync(Caller caller, string code, CancellationToken cancellationToken)
    {
        var invalid = Failure.InvalidField("code", "code-invalid");
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        if (user.TotpPendingSecret is null)
        {
            return invalid;
        }

        var secret = await cipher.OpenAsync(user.TotpPendingSecret, TotpAuthenticator.SeedContext(user.TenantId, user.UserId), cancellationToken).ConfigureAwait(false);
        if (totp.MatchingStep(secret, code) is not { } step)
        {
            await AuditAsync(caller, "mfa.enrolment.confirm", caller.UserId, cancellationToken, "failure").ConfigureAwait(false);
            return invalid;
        }

        var codes = TotpAuthenticator.NewRecoveryCodes();
        var record = Stage(caller, "mfa.enrolment.confirm", caller.UserId);
        if (!await authenticators.ConfirmTotpAsync(user, step, codes.Select(TotpAuthenticator.HashRecoveryCode), record, cancellationToken).ConfigureAwait(false))
        {
            return invalid;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new RecoveryCodesResponse(codes);
    }

    /// <summary>
    /// Ten new recovery codes for a current TOTP code. The code is guessed against the sign-in counter and lock (a stolen
    /// session cannot try codes for ever), claims its time step (no replay) and the codes replace the old ones only under the
    /// seed it proved.
    /// </summary>
    public async Task<Outcome<RecoveryCodesResponse>> RenewRecoveryCodesAsync(Caller caller, string code, string? currentPassword, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        if (!user.MfaEnabled || user.TotpSecret is null)
        {
            return new Failure.Conflict("MFA is not enabled.");
        }

        if (await FreshAuthenticationAsync(caller, user, currentPassword, "mfa.recovery-codes.renew", cancellationToken).ConfigureAwait(false) is { } stale)
        {
            return stale;
        }

        var checkedFactor = await secondFactor.CheckAsync(user, code, acceptRecoveryCode: false, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (checkedFactor.Failure is Failure.LockedOut locked)
        {
            await AuditAsync(caller, "mfa.recovery-codes.renew", caller.UserId, cancellationToken, "locked-out").ConfigureAwait(false);
            return locked;
        }

        if (!checkedFactor.Succeeded)
        {
            await AuditAsync(caller, "mfa.recovery-codes.renew", caller.UserId, cancellationToken, "failure").ConfigureAwait(false);
            return Failure.InvalidField("code", "code-invalid");
        }

        await lockouts.ReleaseAttemptAsync(user, checkedFactor.Value.Reservation, null, cancellationToken).ConfigureAwait(false);
        var codes = TotpAuthenticator.NewRecoveryCodes();
        var record = Stage(caller, "mfa.recovery-codes.renew", caller.UserId);
        if (!await authenticators.ReplaceRecoveryCodesAsync(user, codes.Select(TotpAuthenticator.HashRecoveryCode), record, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.Conflict("MFA changed meanwhile.");
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new RecoveryCodesResponse(codes);
    }

    public async Task<SessionList> ListSessionsAsync(Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false);
        return new SessionList([.. (await sessions.ListForUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false))
            .Where(s => user is not null && s.SecurityStamp == user.SecurityStamp && now < sessions.ExpiryOf(s))
            .OrderBy(s => s.CreatedAt)
            .Select(s => new SessionItem(s.SessionId, s.CreatedAt, s.LastSeenAt, sessions.ExpiryOf(s), s.SessionId == caller.SessionId, s.SourceIp, s.UserAgent))]);
    }

    /// <summary>Not found when the user has no such live session.</summary>
    public async Task<Outcome<Completed>> EndSessionAsync(Caller caller, string sessionId, CancellationToken cancellationToken)
    {
        var session = (await sessions.ListForUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(s => s.SessionId == sessionId);
        if (session is null)
        {
            return new Failure.NotFound();
        }

        var record = Stage(caller, "session.end", sessionId);
        await sessions.DeleteAsync(session.TokenHash, record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return Completed.Value;
    }

    /// <summary>
    /// A change to a factor needs a fresh authentication: a session signed in within <see cref="FreshFor"/> (the first
    /// sign-in flow), else the current password. Null when it is fresh.
    /// </summary>
    private async Task<Failure?> FreshAuthenticationAsync(Caller caller, UserRecord user, string? currentPassword, string action, CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() - caller.SignedInAt < FreshFor)
        {
            return null;
        }

        if (currentPassword is null)
        {
            await AuditAsync(caller, action, caller.UserId, cancellationToken, "reauthentication-required").ConfigureAwait(false);
            return new Failure.ReauthenticationRequired();
        }

        return await ProvePasswordAsync(caller, user, currentPassword, action, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The current password, guessed against the same counter and lock as sign-in (a stolen session gets 5 tries); a right
    /// one gives its reservation back. Null when it is right.
    /// </summary>
    private async Task<Failure?> ProvePasswordAsync(Caller caller, UserRecord user, string currentPassword, string action, CancellationToken cancellationToken)
    {
        var reservation = await lockouts.ReserveAttemptAsync(user, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (reservation.RetryAfter is { } retryAfter)
        {
            await AuditAsync(caller, action, caller.UserId, cancellationToken, "locked-out").ConfigureAwait(false);
            return new Failure.LockedOut(retryAfter);
        }

        if (!hasher.Verify(currentPassword, user.PasswordHash))
        {
            await AuditAsync(caller, action, caller.UserId, cancellationToken, "failure").ConfigureAwait(false);
            return Failure.InvalidField("currentPassword", "password-incorrect");
        }

        await lockouts.ReleaseAttemptAsync(user, reservation, null, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The record of a change, committed with it.</summary>
    private PendingAudit Stage(Caller caller, string action, string? target) => audit.Stage(AuditEvent.By(caller, AuditCategory.Auth, action, target));

    /// <summary>A failed or refused attempt changes nothing but the counter: its record is written on its own.</summary>
    private Task AuditAsync(Caller caller, string action, string? target, CancellationToken cancellationToken, string outcome = "success") =>
        audit.WriteAsync(AuditEvent.By(caller, AuditCategory.Auth, action, target, outcome), cancellationToken);
}
