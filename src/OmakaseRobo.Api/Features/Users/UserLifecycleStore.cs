using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// The writes of the account lifecycle on the user item. A status change carries a new security stamp (every session and
/// pending MFA challenge stores the stamp it was made under, so all of them die with this one write) and the tenant's
/// counters (RoleMembership): a suspended privileged user does not count, so the last active admin cannot be suspended.
/// </summary>
internal sealed class UserLifecycleStore(IAmazonDynamoDB dynamo, UserStore users, OmakaseOptions options)
{
    /// <summary>The user changed between the read and the write: nothing was written.</summary>
    private static readonly Failure Changed = new Failure.Conflict("The user changed meanwhile; read it and try again.");

    /// <summary>A live user (active or suspended) still under the stamp it was read with.</summary>
    private const string AsRead = "(#status = :active OR #status = :suspended) AND stamp = :oldStamp";

    private string Table => options.Tables.Main;

    public async Task<Outcome<Completed>> SetStatusAsync(
        UserRecord user, string status, IReadOnlyDictionary<string, List<string>> definitions, PendingAudit record, CancellationToken cancellationToken)
    {
        var items = new List<TransactWriteItem>
        {
            new()
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = UserStore.Key(user.TenantId, user.UserId),
                    UpdateExpression = "SET #status = :to, stamp = :stamp",
                    ConditionExpression = "#status = :from AND stamp = :oldStamp",
                    ExpressionAttributeNames = new() { ["#status"] = "status" },
                    ExpressionAttributeValues = new()
                    {
                        [":to"] = Attr.S(status),
                        [":from"] = Attr.S(user.Status),
                        [":stamp"] = Attr.S(UserStore.NewStamp()),
                        [":oldStamp"] = Attr.S(user.SecurityStamp),
                    },
                },
            },
            RoleMembership.TenantWrite(
                Table, user.TenantId, definitions, new Standing(user.Roles, user.IsActive), new Standing(user.Roles, status == UserRecord.Active), protectLastHolder: true),
        };
        var suspending = status == UserRecord.Suspended;
        try
        {
            await dynamo.CommitAsync(items, record, cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return Changed;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(1))
        {
            return new Failure.Conflict(suspending ? "The tenant would lose its last active admin." : "The tenant has reached its admin limit.");
        }
    }

    /// <summary>A new security stamp for an active user: every session and pending MFA challenge fails its next check.</summary>
    public Task<bool> NewStampAsync(UserRecord user, PendingAudit record, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(user, "SET stamp = :stamp", "#status = :active", new() { [":stamp"] = Attr.S(UserStore.NewStamp()) }, cancellationToken, record);

    /// <summary>
    /// An operator's password reset: the new temporary hash, the next sign-in must change it, a new stamp (every session and
    /// pending challenge ends) and the lockout cleared, on the user as it was read (false when it changed meanwhile).
    /// </summary>
    public Task<bool> ResetPasswordAsync(UserRecord user, string temporaryHash, DateTimeOffset expiresAt, PendingAudit record, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(
            user,
            "SET passwordHash = :hash, passwordChangeRequired = :true, temporaryPasswordExpiresAt = :expires, stamp = :stamp, failedSignIns = :zero REMOVE lockedUntil",
            AsRead,
            Unchanged(user, new() { [":hash"] = Attr.S(temporaryHash), [":true"] = Attr.Bool(true), [":expires"] = Attr.Time(expiresAt), [":zero"] = Attr.N(0) }),
            cancellationToken,
            record);

    /// <summary>
    /// An operator's MFA reset: the sealed seed, a pending one, the replay guard and the recovery codes are gone, MFA is off
    /// until the user enrols again (mfaResetAt marks that for the review), and a new stamp ends every session.
    /// </summary>
    public Task<bool> ResetMfaAsync(UserRecord user, DateTimeOffset now, PendingAudit record, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(
            user,
            "SET mfaEnabled = :false, mfaResetAt = :now, stamp = :stamp REMOVE totpSecret, totpPending, lastTotpStep, recoveryCodes",
            AsRead,
            Unchanged(user, new() { [":false"] = Attr.Bool(false), [":now"] = Attr.Time(now) }),
            cancellationToken,
            record);

    /// <summary>Ends a brute-force lockout: the failures are forgotten.</summary>
    public Task<bool> UnlockAsync(UserRecord user, PendingAudit record, CancellationToken cancellationToken) =>
        users.TryUpdateAsync(
            user, "SET failedSignIns = :zero REMOVE lockedUntil", "#status = :active OR #status = :suspended",
            new() { [":zero"] = Attr.N(0), [":suspended"] = Attr.S(UserRecord.Suspended) }, cancellationToken,
            record);

    private static Dictionary<string, AttributeValue> Unchanged(UserRecord user, Dictionary<string, AttributeValue> values)
    {
        values[":suspended"] = Attr.S(UserRecord.Suspended);
        values[":oldStamp"] = Attr.S(user.SecurityStamp);
        values[":stamp"] = Attr.S(UserStore.NewStamp());
        return values;
    }
}
