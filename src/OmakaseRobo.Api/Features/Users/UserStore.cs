using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Users;

public enum CreateUserOutcome
{
    Created,
    EmailTaken,
    AdminLimitReached,
    TenantNotActive,
    RoleNotDefined,
}

public enum AssignRolesOutcome
{
    Assigned,
    Changed,
    AdminLimitReached,
    LastAdmin,
    RoleNotDefined,
}

/// <summary>
/// User items in the main table (pk TENANT#tenant, sk USER#id) and the item that keeps an email unique in
/// its tenant (sk EMAIL#address), written together in one transaction.
/// </summary>
public sealed class UserStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private string Table => options.Tables.Main;

    public static Dictionary<string, AttributeValue> Key(string tenantId, string userId) =>
        Attr.Key(TenantStore.Partition(tenantId), $"USER#{userId}");

    private static Dictionary<string, AttributeValue> EmailKey(string tenantId, string email) =>
        Attr.Key(TenantStore.Partition(tenantId), $"EMAIL#{email}");

    /// <summary>
    /// Creates the user, its unique-email item and, for an admin, a slot under the tenant's admin cap: all in
    /// one transaction, so concurrent creations can neither duplicate an email nor exceed the cap.
    /// </summary>
    public async Task<CreateUserOutcome> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var emailItem = EmailKey(user.TenantId, user.Email);
        emailItem["userId"] = Attr.S(user.UserId);
        var tenantWrite = RoleMembership.TenantWrite(Table, user.TenantId, [], user.Roles, protectLastAdmin: false);
        try
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new TransactWriteItem { Put = new Put { TableName = Table, Item = emailItem, ConditionExpression = "attribute_not_exists(pk)" } },
                    new TransactWriteItem { Put = new Put { TableName = Table, Item = ToItem(user), ConditionExpression = "attribute_not_exists(pk)" } },
                    tenantWrite,
                ],
            }, cancellationToken).ConfigureAwait(false);
            return CreateUserOutcome.Created;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return CreateUserOutcome.EmailTaken;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(2))
        {
            var tenant = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = TenantStore.Key(user.TenantId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
            return !tenant.IsItemSet || !TenantStore.FromItem(tenant.Item).IsActive ? CreateUserOutcome.TenantNotActive
                : user.Roles.Contains(BuiltInRoles.Admin) ? CreateUserOutcome.AdminLimitReached
                : CreateUserOutcome.RoleNotDefined;
        }
    }

    public async Task<UserRecord?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(tenantId) || !Ids.IsWellFormed(userId))
        {
            return null;
        }

        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = Key(tenantId, userId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? FromItem(response.Item) : null;
    }

    public async Task<UserRecord?> FindByEmailAsync(string tenantId, string email, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(tenantId))
        {
            return null;
        }

        var link = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = EmailKey(tenantId, email), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return link.IsItemSet ? await GetAsync(tenantId, link.Item.RequireS("userId"), cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task<List<UserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :user)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(TenantStore.Partition(tenantId)), [":user"] = Attr.S("USER#") },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    /// <summary>
    /// 9.2.1 deletion: in one transaction the user becomes a pseudonymous tombstone (no email, name, hash,
    /// TOTP seed or recovery codes; a new security stamp kills every session), the email is freed, and an
    /// admin's slot under the cap is returned. False when there was no such live user.
    /// </summary>
    public async Task<bool> DeleteAsync(UserRecord user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var items = new List<TransactWriteItem>
        {
            new()
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = Key(user.TenantId, user.UserId),
                    UpdateExpression = "SET #status = :deleted, stamp = :stamp, deletedAt = :now, emailHash = :emailHash, #roles = :none " +
                        "REMOVE email, displayName, passwordHash, totpSecret, totpPending, recoveryCodes, lastTotpStep",
                    ConditionExpression = "#status = :active",
                    ExpressionAttributeNames = new() { ["#status"] = "status", ["#roles"] = "roles" },
                    ExpressionAttributeValues = new()
                    {
                        [":deleted"] = Attr.S(UserRecord.Deleted),
                        [":active"] = Attr.S(UserRecord.Active),
                        [":stamp"] = Attr.S(NewStamp()),
                        [":now"] = Attr.N(now.ToUnixTimeMilliseconds()),
                        [":emailHash"] = Attr.S(Pseudonym(user.TenantId, user.Email)),
                        [":none"] = Attr.List([]),
                    },
                },
            },
            new() { Delete = new Delete { TableName = Table, Key = EmailKey(user.TenantId, user.Email) } },
        };
        if (user.Roles.Count > 0)
        {
            items.Add(RoleMembership.TenantWrite(Table, user.TenantId, user.Roles, [], protectLastAdmin: false));
        }

        try
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces a user's roles in one transaction with the tenant's counters: the cap holds under concurrent
    /// grants, the last admin cannot be removed, and a concurrent change of the same user is detected.
    /// </summary>
    public async Task<AssignRolesOutcome> AssignRolesAsync(UserRecord user, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(roles);
        try
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new TransactWriteItem
                    {
                        Update = new Update
                        {
                            TableName = Table,
                            Key = Key(user.TenantId, user.UserId),
                            UpdateExpression = "SET #roles = :roles",
                            ConditionExpression = "#status = :active AND #roles = :before",
                            ExpressionAttributeNames = new() { ["#status"] = "status", ["#roles"] = "roles" },
                            ExpressionAttributeValues = new()
                            {
                                [":roles"] = Attr.List(roles),
                                [":before"] = Attr.List(user.Roles),
                                [":active"] = Attr.S(UserRecord.Active),
                            },
                        },
                    },
                    RoleMembership.TenantWrite(Table, user.TenantId, user.Roles, roles, protectLastAdmin: true),
                ],
            }, cancellationToken).ConfigureAwait(false);
            return AssignRolesOutcome.Assigned;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return AssignRolesOutcome.Changed;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(1))
        {
            var granted = roles.Contains(BuiltInRoles.Admin) && !user.Roles.Contains(BuiltInRoles.Admin);
            var revoked = !roles.Contains(BuiltInRoles.Admin) && user.Roles.Contains(BuiltInRoles.Admin);
            return granted ? AssignRolesOutcome.AdminLimitReached : revoked ? AssignRolesOutcome.LastAdmin : AssignRolesOutcome.RoleNotDefined;
        }
    }

    /// <summary>Remembers the last state-changing call a privileged user made (the privileged-access review reads it).</summary>
    public Task RecordPrivilegedActionAsync(string tenantId, string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(tenantId, userId),
            UpdateExpression = "SET lastPrivilegedActionAt = :now",
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeValues = new() { [":now"] = Attr.N(now.ToUnixTimeMilliseconds()) },
        }, cancellationToken);

    /// <summary>Counts a failed sign-in; returns the new count of consecutive failures.</summary>
    public async Task<int> RecordFailedSignInAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(user.TenantId, user.UserId),
            UpdateExpression = "ADD failedSignIns :one",
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeValues = new() { [":one"] = Attr.N(1) },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }, cancellationToken).ConfigureAwait(false);
        return (int)(response.Attributes.GetN("failedSignIns") ?? 1);
    }

    public Task LockAsync(UserRecord user, DateTimeOffset until, CancellationToken cancellationToken) =>
        SetAsync(user, "SET lockedUntil = :until", new() { [":until"] = Attr.N(until.ToUnixTimeMilliseconds()) }, cancellationToken);

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

        return SetAsync(user, expression, values, cancellationToken);
    }

    public Task SetPendingTotpAsync(UserRecord user, string sealedSecret, CancellationToken cancellationToken) =>
        SetAsync(user, "SET totpPending = :secret", new() { [":secret"] = Attr.S(sealedSecret) }, cancellationToken);

    /// <summary>Turns the pending seed into the active one, with the step just used and fresh recovery codes.</summary>
    public async Task<bool> ConfirmTotpAsync(UserRecord user, long step, IEnumerable<string> recoveryCodeHashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(user.TenantId, user.UserId),
                UpdateExpression = "SET totpSecret = totpPending, mfaEnabled = :true, lastTotpStep = :step, recoveryCodes = :codes REMOVE totpPending",
                ConditionExpression = "#status = :active AND totpPending = :pending",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = new()
                {
                    [":true"] = Attr.Bool(true),
                    [":step"] = Attr.N(step),
                    [":codes"] = Attr.StringSet(recoveryCodeHashes),
                    [":active"] = Attr.S(UserRecord.Active),
                    [":pending"] = Attr.S(user.TotpPendingSecret ?? string.Empty),
                },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>Replay protection: a TOTP step is accepted once, even by parallel requests (a conditional write).</summary>
    public Task<bool> ClaimTotpStepAsync(UserRecord user, long step, CancellationToken cancellationToken) =>
        TryUpdateAsync(user, "SET lastTotpStep = :step", "#status = :active AND (attribute_not_exists(lastTotpStep) OR lastTotpStep < :step)",
            new() { [":step"] = Attr.N(step) }, cancellationToken);

    /// <summary>A recovery code is removed as it is used, atomically, so it works once.</summary>
    public Task<bool> ConsumeRecoveryCodeAsync(UserRecord user, string codeHash, CancellationToken cancellationToken) =>
        TryUpdateAsync(user, "DELETE recoveryCodes :code", "#status = :active AND contains(recoveryCodes, :hash)",
            new() { [":code"] = Attr.StringSet([codeHash]), [":hash"] = Attr.S(codeHash) }, cancellationToken);

    /// <summary>
    /// A password change: the new hash and a new security stamp, and the caller's own session carried over to the
    /// new stamp, in one transaction; every other session of the user dies with the old stamp.
    /// False when the user changed meanwhile (another session changed the password first): the caller answers 409.
    /// </summary>
    public async Task<bool> ChangePasswordAsync(UserRecord user, string newHash, Update keepSession, string newStamp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        try
        {
            await TransactChangePasswordAsync(user, newHash, keepSession, newStamp, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException)
        {
            return false;
        }
    }

    private async Task TransactChangePasswordAsync(UserRecord user, string newHash, Update keepSession, string newStamp, CancellationToken cancellationToken)
    {
        await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem
                {
                    Update = new Update
                    {
                        TableName = Table,
                        Key = Key(user.TenantId, user.UserId),
                        UpdateExpression = "SET passwordHash = :hash, stamp = :stamp, passwordChangeRequired = :false",
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
        }, cancellationToken).ConfigureAwait(false);
    }

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>What a tombstone keeps of an email: a SHA-256 that lets an auditor match an address they already know, and nothing more.</summary>
    private static string Pseudonym(string tenantId, string email) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId}\n{email}"))).ToLowerInvariant();

    private async Task SetAsync(UserRecord user, string expression, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(user.TenantId, user.UserId),
            UpdateExpression = expression,
            ConditionExpression = "attribute_exists(pk)",
            ExpressionAttributeValues = values,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TryUpdateAsync(UserRecord user, string expression, string condition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        values[":active"] = Attr.S(UserRecord.Active);
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(user.TenantId, user.UserId),
                UpdateExpression = expression,
                ConditionExpression = condition,
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public static Dictionary<string, AttributeValue> ToItem(UserRecord user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var item = Key(user.TenantId, user.UserId);
        item["type"] = Attr.S("user");
        item["tenantId"] = Attr.S(user.TenantId);
        item["userId"] = Attr.S(user.UserId);
        item["email"] = Attr.S(user.Email);
        item["displayName"] = Attr.S(user.DisplayName);
        item["roles"] = Attr.List(user.Roles);
        item["status"] = Attr.S(user.Status);
        item["passwordChangeRequired"] = Attr.Bool(user.PasswordChangeRequired);
        item["mfaEnabled"] = Attr.Bool(user.MfaEnabled);
        item["stamp"] = Attr.S(user.SecurityStamp);
        item["failedSignIns"] = Attr.N(user.FailedSignIns);
        item["createdAt"] = Attr.N(user.CreatedAt.ToUnixTimeMilliseconds());
        if (user.PasswordHash is not null)
        {
            item["passwordHash"] = Attr.S(user.PasswordHash);
        }

        return item;
    }

    public static UserRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new UserRecord(
            item.RequireS("tenantId"),
            item.RequireS("userId"),
            item.GetS("email") ?? string.Empty,
            item.GetS("displayName") ?? string.Empty,
            item.GetList("roles"),
            item.RequireS("status"),
            item.GetS("passwordHash"),
            item.GetBool("passwordChangeRequired"),
            item.GetBool("mfaEnabled"),
            item.GetS("totpSecret"),
            item.GetS("totpPending"),
            item.GetN("lastTotpStep"),
            item.GetStringSet("recoveryCodes"),
            item.RequireS("stamp"),
            (int)(item.GetN("failedSignIns") ?? 0),
            item.GetN("lockedUntil") is { } locked ? DateTimeOffset.FromUnixTimeMilliseconds(locked) : null,
            DateTimeOffset.FromUnixTimeMilliseconds(item.GetN("createdAt") ?? 0),
            item.GetN("lastSignInAt") is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
            item.GetN("lastPrivilegedActionAt") is { } privileged ? DateTimeOffset.FromUnixTimeMilliseconds(privileged) : null);
    }
}
