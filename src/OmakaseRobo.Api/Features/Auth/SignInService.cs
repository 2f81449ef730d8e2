using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>What a successful sign-in step answers: a session, or the challenge of the second factor.</summary>
internal abstract record SignInStep
{
    private SignInStep()
    {
    }

    public sealed record SessionIssued(SessionResponse Session) : SignInStep;

    public sealed record MfaRequired(string MfaToken) : SignInStep;
}

/// <summary>
/// Sign-in (password, then TOTP or a recovery code) and brute-force protection (9.2.4, 14.1.1), as Identity's
/// SignInManager: it orchestrates the hasher, the lockout store, the authenticator store and the sessions.
/// </summary>
internal sealed class SignInService(
    UserStore users,
    UserLockoutStore lockouts,
    SecondFactorCheck secondFactor,
    TenantStore tenants,
    SessionStore sessions,
    MfaChallengeStore challenges,
    PasswordHasher hasher,
    IAuditTrail audit,
    OmakaseOptions options,
    TimeProvider clock)
{
    public const int FreeFailures = UserLockoutStore.FreeFailures;
    public static readonly TimeSpan MaxLockout = UserLockoutStore.MaxLockout;

    public async Task<Outcome<SignInStep>> SignInAsync(string tenantId, string email, string password, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var userId = await users.FindIdByEmailAsync(tenantId, email, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        // The attempt is reserved (counted as a failure, refused when locked) before any bcrypt work: a user's in the same
        // round trip that reads the user, an address that names no user on a counter of its own. So an unknown address
        // locks as a real one does, in as many round trips: neither the 429 nor the time tells whether the account exists.
        var (user, reservation) = userId is null
            ? (null, await lockouts.ReserveUnknownAsync(tenantId, Validate.NormalizeEmail(email), now, cancellationToken).ConfigureAwait(false))
            : await lockouts.ReadAndReserveAsync(tenantId, userId, now, cancellationToken).ConfigureAwait(false);
        if (reservation?.RetryAfter is { } wait)
        {
            // Locks of unknown addresses go to the platform trail, as their failures do.
            await AuditAsync(user?.TenantId ?? BuiltInRoles.PlatformTenantId, user?.UserId, "sign-in", "locked-out", origin, cancellationToken).ConfigureAwait(false);
            return new Failure.LockedOut(wait);
        }

        // Always one bcrypt verification; the tenant is read while it runs.
        var tenantRead = tenants.GetAsync(tenantId, cancellationToken);
        var passwordOk = hasher.Verify(password, user?.PasswordHash);
        var tenant = await tenantRead.ConfigureAwait(false);
        if (user is null || tenant is null || !passwordOk || !user.IsActive || !tenant.IsActive || user.TemporaryPasswordExpired(now))
        {
            // Failures for unknown users go to the platform trail: a caller cannot write into tenants it names at random.
            // An expired temporary password answers exactly like a wrong one; only the trail says which it was.
            var expired = passwordOk && user is not null && user.TemporaryPasswordExpired(now);
            await AuditAsync(user?.TenantId ?? BuiltInRoles.PlatformTenantId, user?.UserId, "sign-in", expired ? "temporary-password-expired" : "failure", origin, cancellationToken)
                .ConfigureAwait(false);
            return new Failure.Unauthorized();
        }

        var upgraded = hasher.NeedsUpgrade(user.PasswordHash!) ? hasher.Hash(password) : null;
        // The writes of a successful sign-in are independent of each other: one round trip of wall time, not three.
        if (user.MfaEnabled)
        {
            // Half a sign-in: the password's own reservation (and any lock it set) is given back, earlier failures (of either factor) stay.
            var released = lockouts.ReleaseAttemptAsync(user, reservation!.Value, upgraded, cancellationToken);
            var mfaToken = BearerToken.Issue(user.TenantId, user.UserId);
            var challenged = Stage(tenantId, user.UserId, "sign-in.password", "success", origin);
            await Task.WhenAll(released, challenges.CreateAsync(mfaToken, user.SecurityStamp, now, challenged, cancellationToken)).ConfigureAwait(false);
            await audit.AppendAsync(challenged, cancellationToken).ConfigureAwait(false);
            return new SignInStep.MfaRequired(mfaToken.Value);
        }

        var recorded = lockouts.RecordSignInAsync(user, now, upgraded, cancellationToken);
        var record = Stage(tenantId, user.UserId, "sign-in", "success", origin);
        var session = IssueSessionAsync(user, tenant, origin, record, cancellationToken);
        await Task.WhenAll(recorded, session).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new SignInStep.SessionIssued(await session.ConfigureAwait(false));
    }

    public async Task<Outcome<SignInStep>> VerifyMfaAsync(string mfaTokenValue, string code, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var mfaToken = BearerToken.Parse(mfaTokenValue);
        var now = clock.GetUtcNow();
        var stamp = mfaToken is null ? null : await challenges.SpendAttemptAsync(mfaToken, now, cancellationToken).ConfigureAwait(false);
        if (mfaToken is null || stamp is null)
        {
            return new Failure.Unauthorized();
        }

        var user = await users.GetAsync(mfaToken.TenantId, mfaToken.UserId, cancellationToken).ConfigureAwait(false);
        var tenant = await tenants.GetAsync(mfaToken.TenantId, cancellationToken).ConfigureAwait(false);
        if (user is null || tenant is null || !user.IsActive || !tenant.IsActive || user.SecurityStamp != stamp || user.TotpSecret is null)
        {
            return new Failure.Unauthorized();
        }

        // Second-factor attempts share the user's counter and lock with passwords, across every challenge.
        var checkedFactor = await secondFactor.CheckAsync(user, code, acceptRecoveryCode: true, now, cancellationToken).ConfigureAwait(false);
        if (!checkedFactor.Succeeded)
        {
            var outcome = checkedFactor.Failure is Failure.LockedOut ? "locked-out" : "failure";
            await AuditAsync(user.TenantId, user.UserId, "sign-in.mfa", outcome, origin, cancellationToken).ConfigureAwait(false);
            return checkedFactor.Failure;
        }

        var method = checkedFactor.Value.Method;

        await challenges.DeleteAsync(mfaToken, cancellationToken).ConfigureAwait(false);
        await lockouts.RecordSignInAsync(user, now, null, cancellationToken).ConfigureAwait(false);
        var record = Stage(user.TenantId, user.UserId, method == SecondFactorCheck.RecoveryCode ? "sign-in.recovery-code" : "sign-in.mfa", "success", origin);
        var session = await IssueSessionAsync(user, tenant, origin, record, cancellationToken, secondFactor: method).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new SignInStep.SessionIssued(session);
    }

    /// <summary>From the fifth consecutive failure: 1 s, doubling each time, at most 15 minutes.</summary>
    public static TimeSpan LockoutFor(int failures) => UserLockoutStore.LockoutFor(failures);

    private async Task<SessionResponse> IssueSessionAsync(
        UserRecord user, TenantRecord tenant, RequestOrigin origin, PendingAudit record, CancellationToken cancellationToken, string? secondFactor = null)
    {
        var now = clock.GetUtcNow();
        var token = BearerToken.Issue(user.TenantId, user.UserId);
        var session = new SessionRecord(
            token.Hash, Ids.New("s"), user.TenantId, user.UserId, user.SecurityStamp, now, now,
            now + options.Security.SessionAbsoluteTimeout, origin.SourceIp, origin.UserAgent, secondFactor);
        await sessions.CreateAsync(session, record, cancellationToken).ConfigureAwait(false);
        var expiresAt = sessions.ExpiryOf(session);
        if (user.PasswordChangeRequired && user.TemporaryPasswordExpiresAt is { } temporary && temporary < expiresAt)
        {
            expiresAt = temporary; // the session ends with the temporary password (CallerResolver)
        }

        return new SessionResponse(token.Value, expiresAt, user.PasswordChangeRequired, CallerResolver.MfaEnrollmentRequired(user, tenant));
    }

    /// <summary>A refused or failed step changes nothing stored but the counter: its record is written on its own.</summary>
    private Task AuditAsync(string tenantId, string? userId, string action, string outcome, RequestOrigin origin, CancellationToken cancellationToken) =>
        audit.WriteAsync(Event(tenantId, userId, action, outcome, origin), cancellationToken);

    /// <summary>A step that stores a session or a challenge commits its record with it.</summary>
    private PendingAudit Stage(string tenantId, string? userId, string action, string outcome, RequestOrigin origin) =>
        audit.Stage(Event(tenantId, userId, action, outcome, origin));

    private static AuditEvent Event(string tenantId, string? userId, string action, string outcome, RequestOrigin origin) =>
        new(AuditCategory.Auth, tenantId, userId, action, userId, outcome, origin.SourceIp, origin.UserAgent);
}
