using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

/// <summary>A session with the user and tenant it belongs to, as read in one round trip.</summary>
public sealed record SessionView(SessionRecord Session, UserRecord User, TenantRecord Tenant);

/// <summary>
/// The caller behind a bearer token, checked on every request (what Identity's SecurityStampValidator does): the session
/// exists and is within its idle and absolute limits, its security stamp is the user's (a password change or deletion
/// kills it), the user and the tenant are active. Roles and permissions are read now, so a change applies to the very
/// next request.
/// </summary>
public sealed class CallerResolver(IAmazonDynamoDB dynamo, SessionStore sessions, OmakaseOptions options, TimeProvider clock)
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<Caller?> ResolveAsync(BearerToken token, RequestOrigin origin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(origin);
        var view = await LoadAsync(token, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (view is null
            || view.Session.SecurityStamp != view.User.SecurityStamp
            || !view.User.IsActive
            || !view.Tenant.IsActive
            || now >= sessions.ExpiryOf(view.Session))
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

    /// <summary>9.2.3: platform users, and admins of tenants that require it, must enrol in MFA.</summary>
    public static bool MfaEnrollmentRequired(UserRecord user, TenantRecord tenant)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(tenant);
        return !user.MfaEnabled
            && (user.TenantId == BuiltInRoles.PlatformTenantId || (tenant.RequireMfaForAdmins && user.Roles.Contains(BuiltInRoles.Admin)));
    }

    /// <summary>Session, user and tenant in one BatchGetItem, each item's key and shape asked of its owner.</summary>
    private async Task<SessionView?> LoadAsync(BearerToken token, CancellationToken cancellationToken)
    {
        var table = options.Tables.Main;
        var keys = new List<Dictionary<string, AttributeValue>>
        {
            SessionStore.Key(token.Hash),
            UserStore.Key(token.TenantId, token.UserId),
            TenantStore.Key(token.TenantId),
        };
        var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new() { [table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } },
        }, cancellationToken).ConfigureAwait(false);
        var items = response.Responses.TryGetValue(table, out var found) ? found : [];
        // Unprocessed keys are rare under light load; reading them one by one keeps the answer exact.
        if (response.UnprocessedKeys.TryGetValue(table, out var unprocessed))
        {
            foreach (var key in unprocessed.Keys)
            {
                var single = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
                if (single.IsItemSet)
                {
                    items.Add(single.Item);
                }
            }
        }

        var session = items.FirstOrDefault(i => i.GetS(TableSchema.Type) == MainItems.Session.Type);
        var user = items.FirstOrDefault(i => i.GetS(TableSchema.Type) == MainItems.User.Type);
        var tenant = items.FirstOrDefault(i => i.GetS(TableSchema.Type) == MainItems.Tenant.Type);
        if (session is null || user is null || tenant is null
            || session.GetS("tenantId") != token.TenantId || session.GetS("userId") != token.UserId)
        {
            return null;
        }

        return new SessionView(SessionStore.FromItem(session), UserStore.FromItem(user), TenantStore.FromItem(tenant));
    }
}
