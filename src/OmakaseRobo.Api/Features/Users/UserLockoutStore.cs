using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>Brute-force protection on the user item (Identity's IUserLockoutStore): consecutive failures and the lock.</summary>
public sealed class UserLockoutStore(IAmazonDynamoDB dynamo, UserStore users, OmakaseOptions options)
{
    /// <summary>Counts a failed sign-in; returns the new count of consecutive failures.</summary>
    public async Task<int> RecordFailedSignInAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = options.Tables.Main,
            Key = UserStore.Key(user.TenantId, user.UserId),
            UpdateExpression = "ADD failedSignIns :one",
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeValues = new() { [":one"] = Attr.N(1) },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }, cancellationToken).ConfigureAwait(false);
        return (int)(response.Attributes.GetN("failedSignIns") ?? 1);
    }

    public Task LockAsync(UserRecord user, DateTimeOffset until, CancellationToken cancellationToken) =>
        users.SetAsync(user, "SET lockedUntil = :until", new() { [":until"] = Attr.N(until.ToUnixTimeMilliseconds()) }, cancellationToken);

    /// <summary>A successful sign-in: failures reset, lock lifted, last use recorded, and an outdated hash replaced.</summary>
    public Task RecordSignInAsync(UserRecord user, DateTimeOffset now, string? upgradedHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var values = new Dictionary<string, AttributeValue> { [":zero"] = Attr.N(0), [":now"] = Attr.N(now.ToUnixTimeMilliseconds()) };
        var expression = "SET failedSignIns = :zero, lastSignInAt = :now REMOVE lockedUntil";
        if (upgradedHash is not null)
        {
            expression = "SET failedSignIns = :zero, lastSignInAt = :now, passwordHash = :hash REMOVE lockedUntil";
            values[":hash"] = Attr.S(upgradedHash);
        }

        return users.SetAsync(user, expression, values, cancellationToken);
    }
}
