using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>Brute-force protection on the user item (Identity's IUserLockoutStore): consecutive failures and the lock.</summary>
internal sealed class UserLockoutStore(IAmazonDynamoDB dynamo, UserStore users, OmakaseOptions options)
{
    /// <summary>Consecutive failures allowed before the first lock.</summary>
    public const int FreeFailures = 5;

    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    /// <summary>From the fifth consecutive failure: 1 s, doubling each time, at most 15 minutes.</summary>
    public static TimeSpan LockoutFor(int failures)
    {
        var exponent = Math.Min(failures - FreeFailures, 20);
        var lockout = TimeSpan.FromSeconds(Math.Pow(2, exponent));
        return lockout < MaxLockout ? lockout : MaxLockout;
    }

    /// <summary>
    /// Sign-in's one round trip between the email and bcrypt: the attempt reserved and the user item read in one write
    /// (<c>ADD failedSignIns 1</c>, answering the item as updated) for an active, unlocked user whose count stays below the
    /// lock; the attempt that would lock, a locked user and anyone not active take <see cref="ReserveAttemptAsync"/>'s
    /// path after a read. <c>Counted</c> is false when the user is not active (nothing was reserved).
    /// </summary>
    public async Task<(UserRecord? User, TimeSpan? RetryAfter, bool Counted)> ReadAndReserveAsync(
        string tenantId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = UserStore.Key(tenantId, userId),
                UpdateExpression = "ADD failedSignIns :one",
                ConditionExpression = "#status = :active AND (attribute_not_exists(failedSignIns) OR failedSignIns < :belowLock) "
                    + "AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = new()
                {
                    [":one"] = Attr.N(1),
                    [":belowLock"] = Attr.N(FreeFailures - 1),
                    [":active"] = Attr.S(UserRecord.Active),
                    [":now"] = Attr.Time(now),
                },
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken).ConfigureAwait(false);
            return (UserStore.FromItem(response.Attributes), null, true);
        }
        catch (ConditionalCheckFailedException)
        {
            var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
            return user is null || !user.IsActive ? (user, null, false) : (user, await ReserveAttemptAsync(user, now, cancellationToken).ConfigureAwait(false), true);
        }
    }

    /// <summary>
    /// Reserves one credential attempt (password, TOTP or recovery code) BEFORE it is verified: the attempt is counted as
    /// a failure up-front by a compare-and-set on the user item, refused while the account is locked, and the attempt
    /// that reaches <see cref="FreeFailures"/> sets the lock in the same write. However attempts interleave, at most
    /// <see cref="FreeFailures"/> are verified, then one per back-off window. Null when granted, else how long to wait.
    /// </summary>
    public async Task<TimeSpan?> ReserveAttemptAsync(UserRecord user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failures = user.FailedSignIns;
        var lockedUntil = user.LockedUntil;
        for (var round = 0; round < 64; round++)
        {
            if (lockedUntil is { } until && until > now)
            {
                return until - now;
            }

            var next = failures + 1;
            var values = new Dictionary<string, AttributeValue>
            {
                [":current"] = Attr.N(failures), [":next"] = Attr.N(next), [":now"] = Attr.Time(now),
            };
            var expression = "SET failedSignIns = :next";
            if (next >= FreeFailures)
            {
                expression += ", lockedUntil = :until";
                values[":until"] = Attr.Time(now + LockoutFor(next));
            }

            var counted = failures == 0 ? "(attribute_not_exists(failedSignIns) OR failedSignIns = :current)" : "failedSignIns = :current";
            try
            {
                await dynamo.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = options.Tables.Main,
                    Key = UserStore.Key(user.TenantId, user.UserId),
                    UpdateExpression = expression,
                    ConditionExpression = $"attribute_exists(pk) AND {counted} AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)",
                    ExpressionAttributeValues = values,
                }, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (ConditionalCheckFailedException)
            {
                // Another attempt won the slot (or the lock changed): read the current count and try again.
                var fresh = await users.GetAsync(user.TenantId, user.UserId, cancellationToken).ConfigureAwait(false);
                if (fresh is null)
                {
                    return TimeSpan.Zero;
                }

                (failures, lockedUntil) = (fresh.FailedSignIns, fresh.LockedUntil);
            }
        }

        return TimeSpan.FromSeconds(1); // a storm of concurrent attempts: refuse rather than verify unreserved
    }

    /// <summary>
    /// A right first factor that does not finish the sign-in (the second factor follows, or it proved the current password
    /// on a password change): its own reservation is given back, earlier failures and the lock stay; an outdated hash is replaced.
    /// </summary>
    public async Task ReleaseAttemptAsync(UserRecord user, string? upgradedHash, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":minus"] = Attr.N(-1), [":zero"] = Attr.N(0) };
        var expression = "ADD failedSignIns :minus";
        if (upgradedHash is not null)
        {
            expression += " SET passwordHash = :hash";
            values[":hash"] = Attr.S(upgradedHash);
        }

        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = UserStore.Key(user.TenantId, user.UserId),
                UpdateExpression = expression,
                ConditionExpression = "attribute_exists(pk) AND failedSignIns > :zero",
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException) when (upgradedHash is not null)
        {
            await users.SetAsync(user, "SET passwordHash = :hash", new() { [":hash"] = Attr.S(upgradedHash) }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // The count was reset meanwhile (a full sign-in): nothing to give back.
        }
    }

    /// <summary>A successful sign-in: failures reset, lock lifted, last use recorded, and an outdated hash replaced.</summary>
    public Task RecordSignInAsync(UserRecord user, DateTimeOffset now, string? upgradedHash, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":zero"] = Attr.N(0), [":now"] = Attr.Time(now) };
        var expression = "SET failedSignIns = :zero, lastSignInAt = :now REMOVE lockedUntil";
        if (upgradedHash is not null)
        {
            expression = "SET failedSignIns = :zero, lastSignInAt = :now, passwordHash = :hash REMOVE lockedUntil";
            values[":hash"] = Attr.S(upgradedHash);
        }

        return users.SetAsync(user, expression, values, cancellationToken);
    }
}
