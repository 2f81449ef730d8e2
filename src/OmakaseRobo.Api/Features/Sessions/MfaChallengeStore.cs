using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Sessions;

/// <summary>
/// The second step of a sign-in with MFA: an mfaToken lives 5 minutes and allows 5 attempts, counted by a
/// conditional write so parallel guesses cannot exceed it. Items: pk MFA#sha256(token).
/// </summary>
internal sealed class MfaChallengeStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const int MaxAttempts = 5;

    private string Table => options.Tables.Main;

    private static Dictionary<string, AttributeValue> Key(string tokenHash) => MainItems.MfaChallenge.Key(tokenHash);

    /// <summary>A new challenge, committed with the audit record of the password step that opened it.</summary>
    public async Task CreateAsync(BearerToken token, string securityStamp, DateTimeOffset now, PendingAudit record, CancellationToken cancellationToken)
    {
        var item = Key(token.Hash);
        item[TableSchema.Type] = Attr.S(MainItems.MfaChallenge.Type);
        item["tenantId"] = Attr.S(token.TenantId);
        item["userId"] = Attr.S(token.UserId);
        item["stamp"] = Attr.S(securityStamp);
        item["attempts"] = Attr.N(0);
        item["expiresAt"] = Attr.Time(now + Lifetime);
        ExpiryIndex.Stamp(item, now + Lifetime);
        await dynamo.CommitAsync([new TransactWriteItem { Put = new Put { TableName = Table, Item = item } }], record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Spends one attempt; the challenge's security stamp, or null when it is unknown, expired or used up.</summary>
    public async Task<string?> SpendAttemptAsync(BearerToken token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(token.Hash),
                UpdateExpression = "ADD attempts :one",
                ConditionExpression = "attribute_exists(pk) AND attempts < :max AND expiresAt > :now AND tenantId = :tenant AND userId = :user",
                ExpressionAttributeValues = new()
                {
                    [":one"] = Attr.N(1),
                    [":max"] = Attr.N(MaxAttempts),
                    [":now"] = Attr.Time(now),
                    [":tenant"] = Attr.S(token.TenantId),
                    [":user"] = Attr.S(token.UserId),
                },
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken).ConfigureAwait(false);
            return response.Attributes.GetS("stamp");
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    public async Task DeleteAsync(BearerToken token, CancellationToken cancellationToken)
    {
        await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = Key(token.Hash) }, cancellationToken).ConfigureAwait(false);
    }
}
