using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// The account lifecycle: suspend and reactivate, reset the password or MFA, unlock, end another user's sessions. Operators act in any
/// customer tenant; a tenant admin (users:manage) only in their own (the route's access rule sees to that), never on
/// themselves (409, as for deletion) and never on a platform user (the platform tenant is refused: 403). A customer acts
/// only on a user whose every permission they hold themselves (403 otherwise, audited): someone with users:manage alone
/// cannot suspend, unlock or read the sessions of an admin, as someone who may only assign roles cannot demote one.
/// </summary>
internal sealed class UserLifecycleService(
    UserStore users, ProductPermissionStore products, UserLifecycleStore lifecycle, SessionStore sessions, PasswordHasher hasher,
    IAuditTrail audit, OmakaseOptions options, TimeProvider clock)
{
    private const int MaxReason = 500;

    public async Task<Outcome<UserSummary>> SetStatusAsync(string tenantId, string userId, SetUserStatusRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("status", request.Status is UserRecord.Active or UserRecord.Suspended ? null : request.Status is null ? FieldMessages.Required : FieldMessages.UnknownValue),
            ("reason", Validate.Required(request.Reason, MaxReason)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var action = request.Status == UserRecord.Suspended ? "user.suspend" : "user.reactivate";
        var target = await TargetInTenantAsync(tenantId, userId, caller, action, request.Reason, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var (tenant, user) = target.Value;
        if (user.Status == request.Status)
        {
            // Nothing to change, but the request and its reason are still on the record.
            await audit.WriteAsync(Event(caller, action, user, request.Reason, "unchanged"), cancellationToken).ConfigureAwait(false);
            return UserSummary.From(user, clock.GetUtcNow());
        }

        var record = audit.Stage(Event(caller, action, user, request.Reason, "success"));
        var change = await lifecycle.SetStatusAsync(user, request.Status!, tenant.Roles, record, cancellationToken).ConfigureAwait(false);
        if (!change.Succeeded)
        {
            await RefusedAsync(caller, action, user, request.Reason, cancellationToken).ConfigureAwait(false);
            return change.Failure;
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);

        if (request.Status == UserRecord.Suspended)
        {
            await sessions.RevokeAllForUserAsync(tenantId, userId, keepSessionId: null, cancellationToken).ConfigureAwait(false);
        }

        return UserSummary.From(user with { Status = request.Status! }, clock.GetUtcNow());
    }

    /// <summary>A new temporary password, shown once, that expires; every session ends and the next sign-in must change it.</summary>
    public async Task<Outcome<PasswordResetResponse>> ResetPasswordAsync(string tenantId, string userId, ResetRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var target = await ReasonedTargetAsync(tenantId, userId, request, caller, "user.password-reset", cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var user = target.Value;
        var temporaryPassword = UsersService.TemporaryPassword(user.Email);
        var expiresAt = clock.GetUtcNow() + options.Security.TemporaryPasswordLifetime;
        var record = audit.Stage(Event(caller, "user.password-reset", user, request.Reason, "success"));
        var reset = await lifecycle.ResetPasswordAsync(user, hasher.Hash(temporaryPassword), expiresAt, record, cancellationToken).ConfigureAwait(false);
        return await EndedAsync(caller, record, user, reset, new PasswordResetResponse(temporaryPassword, expiresAt), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The seed and recovery codes are deleted and every session ends; the user enrols again at the next sign-in.</summary>
    public async Task<Outcome<UserSummary>> ResetMfaAsync(string tenantId, string userId, ResetRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var target = await ReasonedTargetAsync(tenantId, userId, request, caller, "user.mfa-reset", cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var user = target.Value;
        var record = audit.Stage(Event(caller, "user.mfa-reset", user, request.Reason, "success"));
        var reset = await lifecycle.ResetMfaAsync(user, clock.GetUtcNow(), record, cancellationToken).ConfigureAwait(false);
        return await EndedAsync(caller, record, user, reset, UserSummary.From(user with { MfaEnabled = false }, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<UserSummary>> UnlockAsync(string tenantId, string userId, Caller caller, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(tenantId, userId, caller, "user.unlock", null, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var record = audit.Stage(Event(caller, "user.unlock", target.Value, null, "success"));
        if (!await lifecycle.UnlockAsync(target.Value, record, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.NotFound();
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return UserSummary.From(target.Value with { FailedSignIns = 0, LockedUntil = null }, clock.GetUtcNow());
    }

    public async Task<Outcome<UserSessionList>> ListSessionsAsync(string tenantId, string userId, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(tenantId, userId, caller, "user.sessions.list", null, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var live = (await sessions.ListForUserAsync(tenantId, userId, cancellationToken).ConfigureAwait(false))
            .Where(s => s.SecurityStamp == target.Value.SecurityStamp && target.Value.IsActive && now < sessions.ExpiryOf(s))
            .OrderByDescending(s => s.LastSeenAt)
            .Select(s => new UserSessionItem(s.SessionId, s.CreatedAt, s.LastSeenAt, s.SourceIp, s.UserAgent));
        return new UserSessionList([.. live]);
    }

    /// <summary>A new stamp ends every session and pending challenge at once; the items are then tidied up.</summary>
    public async Task<Outcome<Completed>> EndSessionsAsync(string tenantId, string userId, Caller caller, CancellationToken cancellationToken)
    {
        var target = await TargetAsync(tenantId, userId, caller, "user.sessions.end", null, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        // An active user's sessions end with a new stamp, committed with the record; a suspended one has none left to end.
        var record = audit.Stage(Event(caller, "user.sessions.end", target.Value, null, "success"));
        if (target.Value.IsActive && !await lifecycle.NewStampAsync(target.Value, record, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.Conflict("The user changed meanwhile; try again.");
        }

        await sessions.RevokeAllForUserAsync(tenantId, userId, keepSessionId: null, cancellationToken).ConfigureAwait(false);
        if (target.Value.IsActive)
        {
            await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await audit.WriteAsync(record.Event, cancellationToken).ConfigureAwait(false);
        }

        return Completed.Value;
    }

    /// <summary>A reset that changed the user under a new stamp (its record committed with it); the sessions are tidied up after it.</summary>
    private async Task<Outcome<T>> EndedAsync<T>(Caller caller, PendingAudit record, UserRecord user, bool changed, T answer, CancellationToken cancellationToken)
    {
        if (!changed)
        {
            await RefusedAsync(caller, record.Event.Action, user, record.Event.Details?.GetValueOrDefault("reason"), cancellationToken).ConfigureAwait(false);
            return new Failure.Conflict("The user changed meanwhile; read it and try again.");
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        await sessions.RevokeAllForUserAsync(user.TenantId, user.UserId, keepSessionId: null, cancellationToken).ConfigureAwait(false);
        return answer;
    }

    private Task<Outcome<UserRecord>> ReasonedTargetAsync(string tenantId, string userId, ResetRequest request, Caller caller, string action, CancellationToken cancellationToken) =>
        Validate.Required(request.Reason, MaxReason) is { } error
            ? Task.FromResult<Outcome<UserRecord>>(new Failure.Invalid(new() { ["reason"] = [error] }))
            : TargetAsync(tenantId, userId, caller, action, request.Reason, cancellationToken);

    private async Task<Outcome<UserRecord>> TargetAsync(string tenantId, string userId, Caller caller, string action, string? reason, CancellationToken cancellationToken)
    {
        var target = await TargetInTenantAsync(tenantId, userId, caller, action, reason, cancellationToken).ConfigureAwait(false);
        return target.Succeeded ? target.Value.User : target.Failure;
    }

    /// <summary>
    /// The user an action may be taken on, with their tenant: a live user of an active customer tenant (409 once it is
    /// terminated: its users are disabled for good) who is not the caller, and whom the caller outranks (403, audited).
    /// </summary>
    private async Task<Outcome<(TenantRecord Tenant, UserRecord User)>> TargetInTenantAsync(
        string tenantId, string userId, Caller caller, string action, string? reason, CancellationToken cancellationToken)
    {
        if (Untouchable(tenantId, userId, caller) is { } refusal)
        {
            await audit.WriteAsync(
                AuditEvent.By(caller, AuditCategory.Operation, action, userId, "refused", reason is null ? null : new() { ["reason"] = reason.Trim() }, tenantId: tenantId),
                cancellationToken).ConfigureAwait(false);
            return refusal;
        }

        var target = await users.GetChangeableAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Failure;
        }

        var (tenant, user) = target.Value;
        if (!await OutranksAsync(caller, user, tenant, cancellationToken).ConfigureAwait(false))
        {
            await RefusedAsync(caller, action, user, reason, cancellationToken).ConfigureAwait(false);
            return new Failure.Forbidden();
        }

        return (tenant, user);
    }

    /// <summary>Whether the caller holds every permission the user holds: always for an operator, for a customer only then.</summary>
    private async Task<bool> OutranksAsync(Caller caller, UserRecord user, TenantRecord tenant, CancellationToken cancellationToken)
    {
        if (caller.IsPlatform || user.Roles.Count == 0)
        {
            return true;
        }

        var catalogue = await products.GetCatalogueAsync(cancellationToken).ConfigureAwait(false);
        return BuiltInRoles.PermissionsOf(user.TenantId, user.Roles, tenant.Roles, catalogue.Names).All(caller.Has);
    }

    /// <summary>No one acts this way on a platform user (403) or on their own account (409).</summary>
    private static Failure? Untouchable(string tenantId, string userId, Caller caller) =>
        tenantId == BuiltInRoles.PlatformTenantId ? new Failure.Forbidden()
        : caller.TenantId == tenantId && caller.UserId == userId ? new Failure.Conflict("You cannot change your own account this way.")
        : null;

    /// <summary>A refused attempt changes nothing: its record is written on its own.</summary>
    private Task RefusedAsync(Caller caller, string action, UserRecord user, string? reason, CancellationToken cancellationToken) =>
        audit.WriteAsync(Event(caller, action, user, reason, "refused"), cancellationToken);

    private static AuditEvent Event(Caller caller, string action, UserRecord user, string? reason, string outcome)
    {
        var details = new Dictionary<string, string> { ["targetStatus"] = user.Status };
        if (reason is not null)
        {
            details["reason"] = reason.Trim();
        }

        return AuditEvent.By(caller, AuditCategory.Operation, action, user.UserId, outcome, details, tenantId: user.TenantId);
    }
}
