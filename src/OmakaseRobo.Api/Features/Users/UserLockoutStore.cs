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

    /// <summary>An unknown address's counter is gone this long after its last counted attempt.</summary>
    public static readonly TimeSpan UnknownCounterLifetime = TimeSpan.FromDays(1);

    /// <summary>From the fifth consecutive failure: 1 s, doubling each time, at most 15 minutes.</summary>
    public static TimeSpan LockoutFor(int failures)
    {
        var exponent = Math.Min(failures - FreeFailures, 20);
        var lockout = TimeSpan.FromSeconds(Math.Pow(2, exponent));
        return lockout < MaxLockout ? lockout : MaxLockout;
    }

    /// <summary>
    /// Sign-in's one round trip between the email and bcrypt: the attempt reserved and the user item read in one write
    /// (<c>ADD failedSignIns 1</c>, answering the item as updated) for an unlocked user whose count stays below the lock,
    /// whatever the user's status: a suspended account locks as an active one does, so a 429 does not tell them apart. The
    /// attempt that would lock and a locked user take <see cref="ReserveAttemptAsync"/>'s path after a read. Nothing is
    /// reserved when the user is gone.
    /// </summary>
    public async Task<(UserRecord? User, Reservation? Reservation)> ReadAndReserveAsync(
        string tenantId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fresh = await FastReserveAsync(UserStore.Key(tenantId, userId), "attribute_exists(pk) AND ", null, null, now, cancellationToken).ConfigureAwait(false);
        if (fresh is not null)
        {
            var reserved = UserStore.FromItem(fresh);
            return (reserved, new Reservation(null, reserved.FailedSignIns, null));
        }

        var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        return user is null ? (null, null) : (user, await ReserveAttemptAsync(user, now, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The same reservation for an email that names no user of the tenant, on a counter of its own
    /// (<see cref="MainItems.UnknownSignIn"/>): an unknown address is locked after as many failures, for as long, and in
    /// as many round trips as a real one, so neither the 429 nor its timing says whether an account exists.
    /// </summary>
    public async Task<Reservation> ReserveUnknownAsync(string tenantId, string normalizedEmail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var partition = MainItems.UnknownSignIn.Partition(tenantId, normalizedEmail);
        var key = MainItems.UnknownSignIn.Key(partition);
        var names = new Dictionary<string, string>();
        var values = new Dictionary<string, AttributeValue>();
        ExpiryIndex.StampUpdateValues(names, values, partition, now + UnknownCounterLifetime);
        var typed = (new Dictionary<string, string>(names) { ["#type"] = TableSchema.Type }, new Dictionary<string, AttributeValue>(values) { [":type"] = Attr.S(MainItems.UnknownSignIn.Type) });
        var fresh = await FastReserveAsync(key, string.Empty, "SET #type = :type, " + ExpiryIndex.StampUpdate, typed, now, cancellationToken).ConfigureAwait(false);
        if (fresh is not null)
        {
            return new Reservation(null, (int)(fresh.GetN("failedSignIns") ?? 1), null);
        }

        // Every counted attempt keeps the counter a day longer, the one that locks included: a counter under attack is
        // never forgotten sooner than a user's.
        var counter = await ReadCounterAsync(key, cancellationToken).ConfigureAwait(false);
        return counter is null
            ? Reservation.Refused(TimeSpan.Zero)
            : await ReserveAsync(key, counter.Value, now, () => ReadCounterAsync(key, cancellationToken), cancellationToken, (ExpiryIndex.StampUpdate, names, values))
                .ConfigureAwait(false);
    }

    /// <summary>
    /// Reserves one credential attempt (password, TOTP or recovery code) BEFORE it is verified: the attempt is counted as
    /// a failure up-front by a compare-and-set on the user item, refused while the account is locked, and the attempt
    /// that reaches <see cref="FreeFailures"/> sets the lock in the same write. However attempts interleave, at most
    /// <see cref="FreeFailures"/> are verified, then one per back-off window.
    /// </summary>
    public Task<Reservation> ReserveAttemptAsync(UserRecord user, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReserveAsync(UserStore.Key(user.TenantId, user.UserId), (user.FailedSignIns, user.LockedUntil), now, async () =>
            await users.GetAsync(user.TenantId, user.UserId, cancellationToken).ConfigureAwait(false) is { } fresh ? (fresh.FailedSignIns, fresh.LockedUntil) : null,
            cancellationToken);

    /// <summary>
    /// <c>ADD failedSignIns 1</c> where the count stays below the lock and no lock runs, answering the item as updated;
    /// null when the condition fails (the attempt that would lock, or a lock).
    /// </summary>
    private async Task<Dictionary<string, AttributeValue>?> FastReserveAsync(
        Dictionary<string, AttributeValue> key, string condition, string? set, (Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values)? with,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>(with?.Values ?? [])
        {
            [":one"] = Attr.N(1), [":belowLock"] = Attr.N(FreeFailures - 1), [":now"] = Attr.Time(now),
        };
        try
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = key,
                UpdateExpression = "ADD failedSignIns :one" + (set is null ? string.Empty : " " + set),
                ConditionExpression = condition + "(attribute_not_exists(failedSignIns) OR failedSignIns < :belowLock) "
                    + "AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)",
                ExpressionAttributeNames = with?.Names,
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken).ConfigureAwait(false);
            return response.Attributes;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private async Task<(int Failures, DateTimeOffset? LockedUntil)?> ReadCounterAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Tables.Main, Key = key, ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? ((int)(response.Item.GetN("failedSignIns") ?? 0), response.Item.GetTime("lockedUntil")) : null;
    }

    private async Task<Reservation> ReserveAsync(
        Dictionary<string, AttributeValue> key, (int Failures, DateTimeOffset? LockedUntil) counter, DateTimeOffset now,
        Func<Task<(int Failures, DateTimeOffset? LockedUntil)?>> reread, CancellationToken cancellationToken,
        (string Set, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values)? also = null)
    {
        var (failures, lockedUntil) = counter;
        for (var round = 0; round < 64; round++)
        {
            if (lockedUntil is { } until && until > now)
            {
                return Reservation.Refused(until - now);
            }

            var next = failures + 1;
            var values = new Dictionary<string, AttributeValue>(also?.Values ?? [])
            {
                [":current"] = Attr.N(failures), [":next"] = Attr.N(next), [":now"] = Attr.Time(now),
            };
            var expression = "SET failedSignIns = :next" + (also is { } extra ? ", " + extra.Set : string.Empty);
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
                    Key = key,
                    UpdateExpression = expression,
                    ConditionExpression = $"attribute_exists(pk) AND {counted} AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)",
                    ExpressionAttributeNames = also?.Names,
                    ExpressionAttributeValues = values,
                }, cancellationToken).ConfigureAwait(false);
                return new Reservation(null, next, lockSet);
            }
            catch (ConditionalCheckFailedException)
            {
                // Another attempt won the slot (or the lock changed): read the current count and try again.
                if (await reread().ConfigureAwait(false) is not { } fresh)
                {
                    return Reservation.Refused(TimeSpan.Zero);
                }

                (failures, lockedUntil) = fresh;
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
