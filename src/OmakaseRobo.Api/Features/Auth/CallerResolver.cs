using System.Collections.Frozen;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>A session with the user and tenant it belongs to and the product permissions defined now, as read in one round trip.</summary>
internal sealed record SessionView(SessionRecord Session, UserRecord User, TenantRecord Tenant, FrozenSet<string> ProductPermissions);

/// <summary>
/// The caller behind a bearer token, checked on every request (what Identity's SecurityStampValidator does): the session
/// exists and is within its idle and absolute limits, its security stamp is the user's (a password change or deletion
/// kills it), the user and the tenant are active, and a temporary password the user must still change has not expired
/// (a session opened with it is good only for changing it, and only while it could still sign in). Roles and
/// permissions are read now, so a change applies to the very next request.
/// </summary>
internal sealed class CallerResolver(BatchReader reader, SessionStore sessions, OmakaseOptions options, TimeProvider clock)
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<Caller?> ResolveAsync(BearerToken token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        var (view, _) = await LoadWithAsync(token, [], cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (view is null || CallerOf(view, token, origin, now) is not { } caller)
        {
            return null;
        }

        if (now - view.Session.LastSeenAt >= TouchInterval)
        {
            await sessions.TouchAsync(view.Session, now, cancellationToken).ConfigureAwait(false);
        }

        return caller;
    }

    /// <summary>The rules of <see cref="ResolveAsync"/> on a view already read, without sliding the idle timeout (introspection).</summary>
    public Caller? CallerOf(SessionView view, BearerToken token, RequestOrigin origin, DateTimeOffset now)
    {
        if (view.Session.SecurityStamp != view.User.SecurityStamp
            || !view.User.IsActive
            || !view.Tenant.IsActive
            || now >= sessions.ExpiryOf(view.Session)
            || view.User.TemporaryPasswordExpired(now))
        {
            return null;
        }

        var user = view.User;
        return new Caller(
            user.TenantId,
            user.UserId,
            view.Session.SessionId,
            user.Email,
            user.DisplayName,
            user.Roles,
            BuiltInRoles.PermissionsOf(user.TenantId, user.Roles, view.Tenant.Roles, view.ProductPermissions),
            user.MfaEnabled,
            user.PasswordChangeRequired,
            MfaEnrollmentRequired(user, view.Tenant),
            origin.SourceIp,
            origin.UserAgent)
        {
            TokenHash = token.Hash,
            SessionStamp = view.Session.SecurityStamp,
            RecoveryCodesRemaining = user.MfaEnabled ? user.RecoveryCodeHashes.Count : null,
            IsPrivileged = Privilege.Holds(user.TenantId, user.Roles, view.Tenant.Roles),
            SignedInAt = view.Session.CreatedAt,
        };
    }

    /// <summary>9.2.3: platform users, and privileged users (admin under any name) of tenants that require it, must enrol in MFA.</summary>
    public static bool MfaEnrollmentRequired(UserRecord user, TenantRecord tenant)
    {
        return !user.MfaEnabled
            && (user.TenantId == BuiltInRoles.PlatformTenantId || (tenant.RequireMfaForAdmins && Privilege.Holds(user.TenantId, user.Roles, tenant.Roles)));
    }

    /// <summary>
    /// Session, user, tenant and the product permission names in one BatchGetItem, each item's key and shape asked of its
    /// owner; <paramref name="alsoRead"/> rides along (introspection's client), and every item read comes back.
    /// </summary>
    public async Task<(SessionView? View, List<Dictionary<string, AttributeValue>> Items)> LoadWithAsync(
        BearerToken token, IEnumerable<Dictionary<string, AttributeValue>> alsoRead, CancellationToken cancellationToken)
    {
        var table = options.Tables.Main;
        var keys = new List<Dictionary<string, AttributeValue>>
        {
            SessionStore.Key(token.Hash),
            UserStore.Key(token.TenantId, token.UserId),
            TenantStore.Key(token.TenantId),
            ProductPermissionStore.CatalogueKey(),
        };
        keys.AddRange(alsoRead);
        var items = await reader.ReadAsync(table, keys, projection: null, names: null, cancellationToken).ConfigureAwait(false);
        var session = items.FirstOrDefault(i => i.GetS(TableSchema.Type) == MainItems.Session.Type);
        var user = items.FirstOrDefault(i => i.GetS(TableSchema.Type) == MainItems.User.Type);
        var tenant = items.FirstOrDefault(i => i.GetS(TableSchema.Type) == MainItems.Tenant.Type);
        if (session is null || user is null || tenant is null
            || session.GetS("tenantId") != token.TenantId || session.GetS("userId") != token.UserId)
        {
            return (null, items);
        }

        var catalogue = ProductPermissionStore.CatalogueFrom(items.FirstOrDefault(i => i.GetS(TableSchema.Type) == ProductPermissionStore.CatalogueType));
        return (new SessionView(SessionStore.FromItem(session), UserStore.FromItem(user), TenantStore.FromItem(tenant), catalogue.Names), items);
    }
}
