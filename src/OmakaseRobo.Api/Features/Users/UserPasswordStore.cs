using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>The password hash and the security stamp (Identity's IUserPasswordStore and IUserSecurityStampStore).</summary>
internal sealed class UserPasswordStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    /// <summary>
    /// A password change: the new hash and a new security stamp, and the caller's own session carried over to the
    /// new stamp, in one transaction; every other session of the user dies with the old stamp.
    /// </summary>
    /// False when the user changed meanwhile (another session changed the password first): the caller answers 409.
    public async Task<bool> ChangePasswordAsync(UserRecord user, string newHash, Update keepSession, string newStamp, PendingAudit record, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.CommitAsync(
                [
                    new TransactWriteItem
                    {
                        Update = new Update
                        {
                            TableName = options.Tables.Main,
                            Key = UserStore.Key(user.TenantId, user.UserId),
                            UpdateExpression = "SET passwordHash = :hash, stamp = :stamp, passwordChangeRequired = :false REMOVE temporaryPasswordExpiresAt",
                            ConditionExpression = "#status = :active AND stamp = :oldStamp",
                            ExpressionAttributeNames = new() { ["#status"] = "status" },
                            ExpressionAttributeValues = new()
                            {
                                [":hash"] = Attr.S(newHash),
                                [":stamp"] = Attr.S(newStamp),
                                [":false"] = Attr.Bool(false),
                                [":active"] = Attr.S(UserRecord.Active),
                                [":oldStamp"] = Attr.S(user.SecurityStamp),
                            },
                        },
                    },
                    new TransactWriteItem { Update = keepSession },
                ],
                record,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException e) when (e.AnyConditionFailed() || e.OnlyConflicted())
        {
            return false;
        }
    }
}
