using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Sessions;

internal sealed record SessionRecord(
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

/// <summary>
/// Session items (pk SESSION#sha256(token)), listed per user through gsi1 (SESSIONS#tenant#user) and by expiry through
/// gsi2; the purge job and DynamoDB TTL remove them after their absolute expiry, and every read checks expiry itself.
/// </summary>
internal sealed class SessionStore(IAmazonDynamoDB dynamo, BatchDeleter deleter, OmakaseOptions options)
{
    private string Table => options.Tables.Main;

    public static Dictionary<string, AttributeValue> Key(string tokenHash) => MainItems.Session.Key(tokenHash);

    /// <summary>A new session, committed with its sign-in's audit record.</summary>
    public async Task CreateAsync(SessionRecord session, PendingAudit record, CancellationToken cancellationToken)
    {
        var item = Key(session.TokenHash);
        item[TableSchema.Type] = Attr.S(MainItems.Session.Type);
        item["sessionId"] = Attr.S(session.SessionId);
        item["tenantId"] = Attr.S(session.TenantId);
        item["userId"] = Attr.S(session.UserId);
        item["stamp"] = Attr.S(session.SecurityStamp);
        item["createdAt"] = Attr.Time(session.CreatedAt);
        item["lastSeenAt"] = Attr.Time(session.LastSeenAt);
        item["absoluteExpiresAt"] = Attr.Time(session.AbsoluteExpiresAt);
        // The absolute expiry: a session that idled out earlier is already refused by every read, so it can wait for this.
        ExpiryIndex.Stamp(item, session.AbsoluteExpiresAt);
        item[TableSchema.Index1PartitionKey] = Attr.S(MainItems.Session.UserIndex(session.TenantId, session.UserId));
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

        await dynamo.CommitAsync([new TransactWriteItem { Put = new Put { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" } }], record, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Slides the idle timeout; written at most once a minute per session to keep requests to one round trip.</summary>
    public async Task TouchAsync(SessionRecord session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(session.TokenHash),
                UpdateExpression = "SET lastSeenAt = :now",
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeValues = new() { [":now"] = Attr.Time(now) },
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

    /// <summary>Ends one session (logout, a lost device), committed with its audit record.</summary>
    public Task DeleteAsync(string tokenHash, PendingAudit record, CancellationToken cancellationToken) =>
        dynamo.CommitAsync([new TransactWriteItem { Delete = new Delete { TableName = Table, Key = Key(tokenHash) } }], record, cancellationToken);

    public async Task<List<SessionRecord>> ListForUserAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :user",
            ExpressionAttributeValues = new() { [":user"] = Attr.S(MainItems.Session.UserIndex(tenantId, userId)) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    public static SessionRecord FromItem(Dictionary<string, AttributeValue> item) => new(
        MainItems.Session.TokenHashOf(item),
        item.RequireS("sessionId"),
        item.RequireS("tenantId"),
        item.RequireS("userId"),
        item.RequireS("stamp"),
        item.GetTimeOrEpoch("createdAt"),
        item.GetTimeOrEpoch("lastSeenAt"),
        item.GetTimeOrEpoch("absoluteExpiresAt"),
        item.GetS("sourceIp"),
        item.GetS("userAgent"),
        item.GetS("secondFactor"));

    /// <summary>When a session ends by itself: the earlier of its idle and its absolute expiry.</summary>
    public DateTimeOffset ExpiryOf(SessionRecord session)
    {
        var idle = session.LastSeenAt + options.Security.SessionIdleTimeout;
        return idle < session.AbsoluteExpiresAt ? idle : session.AbsoluteExpiresAt;
    }

    /// <summary>
    /// Removes the items of a user's sessions but <paramref name="keepSessionId"/> (a new security stamp has already made
    /// them invalid; this only tidies up before TTL does).
    /// </summary>
    public async Task RevokeAllForUserAsync(string tenantId, string userId, string? keepSessionId, CancellationToken cancellationToken)
    {
        var ended = (await ListForUserAsync(tenantId, userId, cancellationToken).ConfigureAwait(false)).Where(s => s.SessionId != keepSessionId);
        await deleter.DeleteAsync(Table, ended.Select(s => Key(s.TokenHash)), cancellationToken).ConfigureAwait(false);
    }
}
