using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>
/// Sign-in (password, then TOTP or a recovery code), sessions and brute-force protection (9.2.4, 14.1.1).
/// </summary>
public sealed class AuthService(
    UserStore users,
    TenantStore tenants,
    SessionStore sessions,
    MfaChallengeStore challenges,
    PasswordHasher hasher,
    TotpAuthenticator totp,
    EnvelopeCipher cipher,
    IAuditTrail audit,
    OmakaseOptions options,
    TimeProvider clock)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<SignInOutcome> SignInAsync(string tenantId, string email, string password, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(tenantId, email, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (user?.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            await AuditAsync(tenantId, user.UserId, "sign-in", "locked-out", origin, cancellationToken).ConfigureAwait(false);
            return new SignInOutcome.LockedOut(lockedUntil - now);
        }

        // The tenant is read while bcrypt runs. Always one bcrypt verification, so unknown users take as long as wrong passwords.
        var tenantRead = user is null ? Task.FromResult<TenantRecord?>(null) : tenants.GetAsync(tenantId, cancellationToken);
        var passwordOk = hasher.Verify(password, user?.PasswordHash);
        var tenant = await tenantRead.ConfigureAwait(false);
        if (user is null || tenant is null || !passwordOk || !user.IsActive || !tenant.IsActive)
        {
            if (user is not null && user.IsActive)
            {
                await CountFailureAsync(user, now, cancellationToken).ConfigureAwait(false);
            }

            // Failures for unknown users go to the platform trail: a caller cannot write into tenants it names at random.
            await AuditAsync(user?.TenantId ?? BuiltInRoles.PlatformTenantId, user?.UserId, "sign-in", "failure", origin, cancellationToken).ConfigureAwait(false);
            return new SignInOutcome.Rejected();
        }

        var upgraded = hasher.NeedsUpgrade(user.PasswordHash!) ? hasher.Hash(password) : null;
        // The writes of a successful sign-in are independent of each other: one round trip of wall time, not three.
        var recorded = users.RecordSignInAsync(user, now, upgraded, cancellationToken);
        if (user.MfaEnabled)
        {
            var mfaToken = BearerToken.Issue(user.TenantId, user.UserId);
            await Task.WhenAll(
                recorded,
                challenges.CreateAsync(mfaToken, user.SecurityStamp, now, cancellationToken),
                AuditAsync(tenantId, user.UserId, "sign-in.password", "success", origin, cancellationToken)).ConfigureAwait(false);
            return new SignInOutcome.MfaRequired(mfaToken.Value);
        }

        var session = IssueSessionAsync(user, tenant, origin, cancellationToken);
        await Task.WhenAll(recorded, session, AuditAsync(tenantId, user.UserId, "sign-in", "success", origin, cancellationToken)).ConfigureAwait(false);
        return new SignInOutcome.SessionIssued(await session.ConfigureAwait(false));
    }

    public async Task<SignInOutcome> VerifyMfaAsync(string mfaTokenValue, string code, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var mfaToken = BearerToken.Parse(mfaTokenValue);
        var now = clock.GetUtcNow();
        var stamp = mfaToken is null ? null : await challenges.SpendAttemptAsync(mfaToken, now, cancellationToken).ConfigureAwait(false);
        if (mfaToken is null || stamp is null)
        {
            return new SignInOutcome.Rejected();
        }

        var user = await users.GetAsync(mfaToken.TenantId, mfaToken.UserId, cancellationToken).ConfigureAwait(false);
        var tenant = await tenants.GetAsync(mfaToken.TenantId, cancellationToken).ConfigureAwait(false);
        if (user is null || tenant is null || !user.IsActive || !tenant.IsActive || user.SecurityStamp != stamp || user.TotpSecret is null)
        {
            return new SignInOutcome.Rejected();
        }

        var method = await CheckSecondFactorAsync(user, code, cancellationToken).ConfigureAwait(false);
        if (method is null)
        {
            await AuditAsync(user.TenantId, user.UserId, "sign-in.mfa", "failure", origin, cancellationToken).ConfigureAwait(false);
            return new SignInOutcome.Rejected();
        }

        await challenges.DeleteAsync(mfaToken, cancellationToken).ConfigureAwait(false);
        await AuditAsync(user.TenantId, user.UserId, method == "recovery-code" ? "sign-in.recovery-code" : "sign-in.mfa", "success", origin, cancellationToken).ConfigureAwait(false);
        return new SignInOutcome.SessionIssued(await IssueSessionAsync(user, tenant, origin, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The caller behind a bearer token, checked on every request: the session exists and is within its idle and
    /// absolute limits, its security stamp is the user's (a password change or deletion kills it), the user and
    /// the tenant are active. Roles and permissions are read now, so a change applies to the very next request.
    /// </summary>
    public async Task<Caller?> ResolveCallerAsync(BearerToken token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(origin);
        var view = await sessions.LoadAsync(token, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (view is null
            || view.Session.SecurityStamp != view.User.SecurityStamp
            || !view.User.IsActive
            || !view.Tenant.IsActive
            || now >= view.Session.AbsoluteExpiresAt
            || now >= view.Session.LastSeenAt + options.Security.SessionIdleTimeout)
        {
            return null;
        }

        if (now - view.Session.LastSeenAt >= TouchInterval)
        {
            await sessions.TouchAsync(view.Session, now, cancellationToken).ConfigureAwait(false);
        }

        var user = view.User;
        return new Caller(
            user.TenantId,
            user.UserId,
            view.Session.SessionId,
            user.Email,
            user.DisplayName,
            user.Roles,
            BuiltInRoles.PermissionsOf(user.TenantId, user.Roles, view.Tenant.Roles),
            user.MfaEnabled,
            user.PasswordChangeRequired,
            MfaEnrollmentRequired(user, view.Tenant),
            origin.SourceIp,
            origin.UserAgent)
        {
            TokenHash = token.Hash,
        };
    }

    public async Task LogoutAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await sessions.DeleteAsync(caller.TokenHash, cancellationToken).ConfigureAwait(false);
        await AuditAsync(caller, "logout", caller.SessionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Done, the field errors (codes) to answer, or a conflict when another session changed the password first.</summary>
    public async Task<Outcome> ChangePasswordAsync(Caller caller, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        if (!hasher.Verify(currentPassword, user.PasswordHash))
        {
            await AuditAsync(caller, "password.change", caller.UserId, cancellationToken, "failure").ConfigureAwait(false);
            return new Outcome.Invalid(new() { ["currentPassword"] = ["password-incorrect"] });
        }

        var problems = PasswordPolicy.Check(newPassword, user.Email);
        if (problems.Count == 0 && hasher.Verify(newPassword, user.PasswordHash))
        {
            problems.Add("password-reused");
        }

        if (problems.Count > 0)
        {
            return new Outcome.Invalid(new() { ["newPassword"] = [.. problems] });
        }

        var stamp = UserStore.NewStamp();
        if (!await users.ChangePasswordAsync(user, hasher.Hash(newPassword), sessions.KeepUnderNewStamp(caller.TokenHash, stamp), stamp, cancellationToken).ConfigureAwait(false))
        {
            return new Outcome.Conflict("The password was changed meanwhile.");
        }

        await DeleteSessionsAsync(caller.TenantId, caller.UserId, keep: caller.SessionId, cancellationToken).ConfigureAwait(false);
        await AuditAsync(caller, "password.change", caller.UserId, cancellationToken).ConfigureAwait(false);
        return new Outcome.Done();
    }

    /// <summary>Null when MFA is already on (enrolment never silently replaces an active seed).</summary>
    public async Task<TotpEnrollmentResponse?> StartTotpEnrollmentAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.MfaEnabled)
        {
            return null;
        }

        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        var secret = TotpAuthenticator.NewSecret();
        var sealedSecret = await cipher.SealAsync(secret, SeedContext(user), cancellationToken).ConfigureAwait(false);
        await users.SetPendingTotpAsync(user, sealedSecret, cancellationToken).ConfigureAwait(false);
        await AuditAsync(caller, "mfa.enrolment.start", caller.UserId, cancellationToken).ConfigureAwait(false);
        var base32 = TotpAuthenticator.Base32(secret);
        var uri = TotpAuthenticator.OtpAuthUri(base32, user.Email);
        return new TotpEnrollmentResponse(base32, uri, TotpAuthenticator.QrCodeSvg(uri));
    }

    /// <summary>The recovery codes (shown once) when the code proves the pending seed; null otherwise.</summary>
    public async Task<List<string>?> ConfirmTotpAsync(Caller caller, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The caller's user vanished.");
        if (user.TotpPendingSecret is null)
        {
            return null;
        }

        var secret = await cipher.OpenAsync(user.TotpPendingSecret, SeedContext(user), cancellationToken).ConfigureAwait(false);
        if (totp.MatchingStep(secret, code) is not { } step)
        {
            await AuditAsync(caller, "mfa.enrolment.confirm", caller.UserId, cancellationToken, "failure").ConfigureAwait(false);
            return null;
        }

        var codes = TotpAuthenticator.NewRecoveryCodes();
        if (!await users.ConfirmTotpAsync(user, step, codes.Select(TotpAuthenticator.HashRecoveryCode), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await AuditAsync(caller, "mfa.enrolment.confirm", caller.UserId, cancellationToken).ConfigureAwait(false);
        return codes;
    }

    public async Task<List<SessionItem>> ListSessionsAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var user = await users.GetAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false);
        return [.. (await sessions.ListForUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false))
            .Where(s => IsLive(s, user, now))
            .OrderBy(s => s.CreatedAt)
            .Select(s => new SessionItem(s.SessionId, s.CreatedAt, s.LastSeenAt, Expiry(s), s.SessionId == caller.SessionId, s.SourceIp, s.UserAgent))];
    }

    /// <summary>False when the user has no such live session.</summary>
    public async Task<bool> EndSessionAsync(Caller caller, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var session = (await sessions.ListForUserAsync(caller.TenantId, caller.UserId, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(s => s.SessionId == sessionId);
        if (session is null)
        {
            return false;
        }

        await sessions.DeleteAsync(session.TokenHash, cancellationToken).ConfigureAwait(false);
        await AuditAsync(caller, "session.end", sessionId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Removes the items of a user's sessions but <paramref name="keep"/> (the new security stamp has already made them
    /// invalid; this only tidies up before TTL does).
    /// </summary>
    public async Task DeleteSessionsAsync(string tenantId, string userId, string? keep, CancellationToken cancellationToken)
    {
        foreach (var session in await sessions.ListForUserAsync(tenantId, userId, cancellationToken).ConfigureAwait(false))
        {
            if (session.SessionId != keep)
            {
                await sessions.DeleteAsync(session.TokenHash, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>9.2.3: platform users, and admins of tenants that require it, must enrol in MFA.</summary>
    public static bool MfaEnrollmentRequired(UserRecord user, TenantRecord tenant)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(tenant);
        return !user.MfaEnabled
            && (user.TenantId == BuiltInRoles.PlatformTenantId || (tenant.RequireMfaForAdmins && user.Roles.Contains(BuiltInRoles.Admin)));
    }

    private async Task<SessionResponse> IssueSessionAsync(UserRecord user, TenantRecord tenant, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var token = BearerToken.Issue(user.TenantId, user.UserId);
        var session = new SessionRecord(
            token.Hash, Ids.New("s"), user.TenantId, user.UserId, user.SecurityStamp, now, now,
            now + options.Security.SessionAbsoluteTimeout, origin.SourceIp, origin.UserAgent);
        await sessions.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        return new SessionResponse(token.Value, Expiry(session), user.PasswordChangeRequired, MfaEnrollmentRequired(user, tenant));
    }

    /// <summary>"totp" or "recovery-code" when the second factor is right; a TOTP step or a recovery code counts once.</summary>
    private async Task<string?> CheckSecondFactorAsync(UserRecord user, string code, CancellationToken cancellationToken)
    {
        if (TotpAuthenticator.LooksLikeRecoveryCode(code))
        {
            return await users.ConsumeRecoveryCodeAsync(user, TotpAuthenticator.HashRecoveryCode(code), cancellationToken).ConfigureAwait(false)
                ? "recovery-code"
                : null;
        }

        var secret = await cipher.OpenAsync(user.TotpSecret!, SeedContext(user), cancellationToken).ConfigureAwait(false);
        return totp.MatchingStep(secret, code) is { } step && await users.ClaimTotpStepAsync(user, step, cancellationToken).ConfigureAwait(false)
            ? "totp"
            : null;
    }

    private async Task CountFailureAsync(UserRecord user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failures = await users.RecordFailedSignInAsync(user, cancellationToken).ConfigureAwait(false);
        if (failures >= FreeFailures)
        {
            await users.LockAsync(user, now + LockoutFor(failures), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>From the fifth consecutive failure: 1 s, doubling each time, at most 15 minutes.</summary>
    public static TimeSpan LockoutFor(int failures)
    {
        var exponent = Math.Min(failures - FreeFailures, 20);
        var lockout = TimeSpan.FromSeconds(Math.Pow(2, exponent));
        return lockout < MaxLockout ? lockout : MaxLockout;
    }

    private bool IsLive(SessionRecord session, UserRecord? user, DateTimeOffset now) =>
        user is not null && session.SecurityStamp == user.SecurityStamp && now < Expiry(session);

    private DateTimeOffset Expiry(SessionRecord session)
    {
        var idle = session.LastSeenAt + options.Security.SessionIdleTimeout;
        return idle < session.AbsoluteExpiresAt ? idle : session.AbsoluteExpiresAt;
    }

    private static EncryptionContext SeedContext(UserRecord user) => new(user.TenantId, "totp-seed", user.UserId);

    private Task AuditAsync(Caller caller, string action, string? target, CancellationToken cancellationToken, string outcome = "success") =>
        audit.WriteAsync(new AuditEvent(AuditCategory.Auth, caller.TenantId, caller.UserId, action, target, outcome, caller.SourceIp, caller.UserAgent), cancellationToken);

    private Task AuditAsync(string tenantId, string? userId, string action, string outcome, RequestOrigin origin, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditEvent(AuditCategory.Auth, tenantId, userId, action, userId, outcome, origin.SourceIp, origin.UserAgent), cancellationToken);
}
