using System.Collections.Frozen;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Auth;

public sealed record SessionRecord(
    string TokenHash,
    string SessionId,
    string TenantId,
    string UserId,
    string SecurityStamp,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset AbsoluteExpiresAt,
    string? SourceIp,
    string? UserAgent,
    string? SecondFactor = null)
{
    /// <summary>RFC 8176 methods: the password, and "otp" when a TOTP code (or a recovery code standing in for it) was checked.</summary>
    public IReadOnlyList<string> AuthenticationMethods => SecondFactor is null ? ["pwd"] : ["pwd", "otp"];
}

/// <summary>A session with the user and tenant it belongs to and the product permissions defined now, as read in one round trip.</summary>
public sealed record SessionView(SessionRecord Session, UserRecord User, TenantRecord Tenant, FrozenSet<string> ProductPermissions);

/// <summary>
/// Session items (pk SESSION#sha256(token)), listed per user through gsi1 (SESSIONS#tenant#user) and by expiry through
/// gsi2; the purge job and DynamoDB TTL remove them after their absolute expiry, and every read checks expiry itself.
/// </summary>
public sealed class SessionStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private const string SortKey = "#SESSION";

    private string Table => options.Tables.Main;

    private static Dictionary<string, AttributeValue> Key(string tokenHash) => Attr.Key($"SESSION#{tokenHash}", SortKey);

    private static string UserIndexKey(string tenantId, string userId) => $"SESSIONS#{tenantId}#{userId}";

    public async Task CreateAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var item = Key(session.TokenHash);
        item["type"] = Attr.S("session");
        item["sessionId"] = Attr.S(session.SessionId);
        item["tenantId"] = Attr.S(session.TenantId);
        item["userId"] = Attr.S(session.UserId);
        item["stamp"] = Attr.S(session.SecurityStamp);
        item["createdAt"] = Attr.N(session.CreatedAt.ToUnixTimeMilliseconds());
        item["lastSeenAt"] = Attr.N(session.LastSeenAt.ToUnixTimeMilliseconds());
        item["absoluteExpiresAt"] = Attr.N(session.AbsoluteExpiresAt.ToUnixTimeMilliseconds());
        // The absolute expiry: a session that idled out earlier is already refused by every read, so it can wait for this.
        ExpiryIndex.Stamp(item, session.AbsoluteExpiresAt);
        item[TableSchema.Index1PartitionKey] = Attr.S(UserIndexKey(session.TenantId, session.UserId));
        item[TableSchema.Index1SortKey] = Attr.S(session.SessionId);
        if (session.SourceIp is not null)
        {
            item["sourceIp"] = Attr.S(session.SourceIp);
        }

        if (session.SecondFactor is not null)
        {
            item["secondFactor"] = Attr.S(session.SecondFactor);
        }

        if (session.UserAgent is not null)
        {
            item["userAgent"] = Attr.S(session.UserAgent.Length > 256 ? session.UserAgent[..256] : session.UserAgent);
        }

        await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Session, user, tenant and the product permission names in one BatchGetItem.</summary>
    public async Task<SessionView?> LoadAsync(BearerToken token, CancellationToken cancellationToken) =>
        (await LoadWithAsync(token, [], cancellationToken).ConfigureAwait(false)).View;

    /// <summary>The same one BatchGetItem, reading <paramref name="alsoRead"/> too; every item read comes back with the view.</summary>
    public async Task<(SessionView? View, List<Dictionary<string, AttributeValue>> Items)> LoadWithAsync(
        BearerToken token, IEnumerable<Dictionary<string, AttributeValue>> alsoRead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var keys = new List<Dictionary<string, AttributeValue>>
        {
            Key(token.Hash),
            UserStore.Key(token.TenantId, token.UserId),
            TenantStore.Key(token.TenantId),
            ProductPermissionStore.CatalogueKey(),
        };
        keys.AddRange(alsoRead);
        var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new() { [Table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } },
        }, cancellationToken).ConfigureAwait(false);
        var items = response.Responses.TryGetValue(Table, out var found) ? found : [];
        // Unprocessed keys are rare under light load; reading them one by one keeps the answer exact.
        if (response.UnprocessedKeys.TryGetValue(Table, out var unprocessed))
        {
            foreach (var key in unprocessed.Keys)
            {
                var single = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = key, ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
                if (single.IsItemSet)
                {
                    items.Add(single.Item);
                }
            }
        }

        var session = items.FirstOrDefault(i => i.GetS("type") == "session");
        var user = items.FirstOrDefault(i => i.GetS("type") == "user");
        var tenant = items.FirstOrDefault(i => i.GetS("type") == "tenant");
        if (session is null || user is null || tenant is null
            || session.GetS("tenantId") != token.TenantId || session.GetS("userId") != token.UserId)
        {
            return (null, items);
        }

        var catalogue = ProductPermissionStore.CatalogueFrom(items.FirstOrDefault(i => i.GetS("type") == ProductPermissionStore.CatalogueType));
        return (new SessionView(FromItem(session), UserStore.FromItem(user), TenantStore.FromItem(tenant), catalogue.Names), items);
    }

    /// <summary>Slides the idle timeout; written at most once a minute per session to keep requests to one round trip.</summary>
    public async Task TouchAsync(SessionRecord session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(session.TokenHash),
                UpdateExpression = "SET lastSeenAt = :now",
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeValues = new() { [":now"] = Attr.N(now.ToUnixTimeMilliseconds()) },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // ended meanwhile: nothing to slide
        }
    }

    /// <summary>The update that moves one session to a new security stamp, for the password-change transaction.</summary>
    public Update KeepUnderNewStamp(string tokenHash, string newStamp) =>
        new()
        {
            TableName = Table,
            Key = Key(tokenHash),
            UpdateExpression = "SET stamp = :stamp",
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeValues = new() { [":stamp"] = Attr.S(newStamp) },
        };

    public async Task DeleteAsync(string tokenHash, CancellationToken cancellationToken) =>
        await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = Key(tokenHash) }, cancellationToken).ConfigureAwait(false);

    public async Task<List<SessionRecord>> ListForUserAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :user",
            ExpressionAttributeValues = new() { [":user"] = Attr.S(UserIndexKey(tenantId, userId)) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    private static SessionRecord FromItem(Dictionary<string, AttributeValue> item) => new(
        item.RequireS(TableSchema.PartitionKey)["SESSION#".Length..],
        item.RequireS("sessionId"),
        item.RequireS("tenantId"),
        item.RequireS("userId"),
        item.RequireS("stamp"),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetN("createdAt") ?? 0),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetN("lastSeenAt") ?? 0),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetN("absoluteExpiresAt") ?? 0),
        item.GetS("sourceIp"),
        item.GetS("userAgent"),
        item.GetS("secondFactor"));
}
