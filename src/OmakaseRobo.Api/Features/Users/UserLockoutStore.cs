using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// One credential attempt's reservation: refused while the account is locked (wait <see cref="RetryAfter"/>), or granted
/// as consecutive failure number <see cref="Count"/>, with the lock it set when that count reached the lock
/// (<see cref="Lock"/>), so that a right answer can give back exactly what it took.
/// </summary>
internal readonly record struct Reservation(TimeSpan? RetryAfter, int Count, DateTimeOffset? Lock)
{
    public static Reservation Refused(TimeSpan wait) => new(wait, 0, null);
}

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
    /// path after a read. The reservation is null when the user is not active (nothing was reserved).
    /// </summary>
    public async Task<(UserRecord? User, Reservation? Reservation)> ReadAndReserveAsync(
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
            var reserved = UserStore.FromItem(response.Attributes);
            return (reserved, new Reservation(null, reserved.FailedSignIns, null));
        }
        catch (ConditionalCheckFailedException)
        {
            var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
            return user is null || !user.IsActive ? (user, null) : (user, await ReserveAttemptAsync(user, now, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Reserves one credential attempt (password, TOTP or recovery code) BEFORE it is verified: the attempt is counted as
    /// a failure up-front by a compare-and-set on the user item, refused while the account is locked, and the attempt
    /// that reaches <see cref="FreeFailures"/> sets the lock in the same write. However attempts interleave, at most
    /// <see cref="FreeFailures"/> are verified, then one per back-off window.
    /// </summary>
    public async Task<Reservation> ReserveAttemptAsync(UserRecord user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failures = user.FailedSignIns;
        var lockedUntil = user.LockedUntil;
        for (var round = 0; round < 64; round++)
        {
            if (lockedUntil is { } until && until > now)
            {
                return Reservation.Refused(until - now);
            }

            var next = failures + 1;
            var values = new Dictionary<string, AttributeValue>
            {
                [":current"] = Attr.N(failures), [":next"] = Attr.N(next), [":now"] = Attr.Time(now),
            };
            var expression = "SET failedSignIns = :next";
            DateTimeOffset? lockSet = next >= FreeFailures ? now + LockoutFor(next) : null;
            if (lockSet is { } lockUntil)
            {
                expression += ", lockedUntil = :until";
                values[":until"] = Attr.Time(lockUntil);
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
                return new Reservation(null, next, lockSet);
            }
            catch (ConditionalCheckFailedException)
            {
                // Another attempt won the slot (or the lock changed): read the current count and try again.
                var fresh = await users.GetAsync(user.TenantId, user.UserId, cancellationToken).ConfigureAwait(false);
                if (fresh is null)
                {
                    return Reservation.Refused(TimeSpan.Zero);
                }

                (failures, lockedUntil) = (fresh.FailedSignIns, fresh.LockedUntil);
            }
        }

        return Reservation.Refused(TimeSpan.FromSeconds(1)); // a storm of concurrent attempts: refuse rather than verify unreserved
    }

    /// <summary>
    /// A right answer that does not finish a sign-in (a right password before the second factor, a right current password,
    /// a right TOTP code that renews the recovery codes): its own reservation is given back, and so is the lock it set, as
    /// long as no attempt has been reserved since; earlier failures stay counted. Without this, the right password of a
    /// user past the fifth failure would lock the second factor it opens, for longer than the challenge lives. An outdated
    /// hash is replaced.
    /// </summary>
    public async Task ReleaseAttemptAsync(UserRecord user, Reservation reservation, string? upgradedHash, CancellationToken cancellationToken)
    {
        var hash = upgradedHash is null ? string.Empty : ", passwordHash = :hash";
        if (reservation.Lock is { } lockSet && await TryUpdateAsync(
                user,
                "SET failedSignIns = :before" + hash + " REMOVE lockedUntil",
                "failedSignIns = :mine AND lockedUntil = :lock",
                new() { [":mine"] = Attr.N(reservation.Count), [":before"] = Attr.N(reservation.Count - 1), [":lock"] = Attr.Time(lockSet) },
                upgradedHash,
                cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Another attempt was reserved after this one (its lock stands): the count alone is given back, unless a full
        // sign-in reset it meanwhile; an outdated hash is replaced either way.
        if (!await TryUpdateAsync(
                user,
                "SET failedSignIns = failedSignIns - :one" + hash,
                "attribute_exists(pk) AND failedSignIns > :zero",
                new() { [":one"] = Attr.N(1), [":zero"] = Attr.N(0) },
                upgradedHash,
                cancellationToken).ConfigureAwait(false) && upgradedHash is not null)
        {
            await users.SetAsync(user, "SET passwordHash = :hash", new() { [":hash"] = Attr.S(upgradedHash) }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> TryUpdateAsync(
        UserRecord user, string expression, string condition, Dictionary<string, AttributeValue> values, string? upgradedHash, CancellationToken cancellationToken)
    {
        if (upgradedHash is not null)
        {
            values[":hash"] = Attr.S(upgradedHash);
        }

        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = UserStore.Key(user.TenantId, user.UserId),
                UpdateExpression = expression,
                ConditionExpression = condition,
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
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
