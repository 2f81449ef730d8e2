using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// User items in the main table (pk TENANT#tenant, sk USER#id) and the item that keeps an email unique in
/// its tenant (sk EMAIL#address), written together in one transaction.
/// </summary>
internal sealed class UserStore(IAmazonDynamoDB dynamo, TenantStore tenants, OmakaseOptions options)
{
    private string Table => options.Tables.Main;

    public static Dictionary<string, AttributeValue> Key(string tenantId, string userId) => MainItems.User.Key(tenantId, userId);

    private static Dictionary<string, AttributeValue> EmailKey(string tenantId, string email) => MainItems.Email.Key(tenantId, email);

    /// <summary>
    /// Creates the user, its unique-email item and, for an admin, a slot under the tenant's admin cap: all in
    /// one transaction, so concurrent creations can neither duplicate an email nor exceed the cap.
    /// </summary>
    public async Task<Outcome<Completed>> CreateAsync(UserRecord user, IReadOnlyDictionary<string, List<string>> definitions, PendingAudit record, CancellationToken cancellationToken)
    {
        var emailItem = EmailKey(user.TenantId, user.Email);
        emailItem[TableSchema.Type] = Attr.S(MainItems.Email.Type);
        emailItem["userId"] = Attr.S(user.UserId);
        var tenantWrite = RoleMembership.TenantWrite(Table, user.TenantId, definitions, Standing.None, new Standing(user.Roles, Active: true), protectLastHolder: false);
        try
        {
            await dynamo.CommitAsync(
                [
                    new TransactWriteItem { Put = new Put { TableName = Table, Item = emailItem, ConditionExpression = "attribute_not_exists(pk)" } },
                    new TransactWriteItem { Put = new Put { TableName = Table, Item = ToItem(user), ConditionExpression = "attribute_not_exists(pk)" } },
                    tenantWrite,
                ],
                record,
                cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return new Failure.Conflict("A user with this email exists in the tenant.");
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(2))
        {
            var tenant = await tenants.GetAsync(user.TenantId, cancellationToken).ConfigureAwait(false);
            return tenant is not { IsActive: true } ? TenantRecord.NotActive
                : new Failure.Conflict(Privilege.Holds(user.TenantId, user.Roles, tenant.Roles) && tenant.AdminCount >= tenant.AdminLimit
                    ? "The tenant has reached its admin limit."
                    : "A role was changed or deleted meanwhile.");
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

    /// <summary>
    /// A user an operator or tenant admin changes (roles, status, deletion), with their tenant, both read at once: a
    /// missing tenant, a missing or deleted user is 404; a tenant that is not active any more is 409.
    /// </summary>
    public async Task<Outcome<(TenantRecord Tenant, UserRecord User)>> GetChangeableAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var tenantRead = tenants.GetAsync(tenantId, cancellationToken);
        var userRead = GetAsync(tenantId, userId, cancellationToken);
        await Task.WhenAll(tenantRead, userRead).ConfigureAwait(false);
        var (tenant, user) = (await tenantRead.ConfigureAwait(false), await userRead.ConfigureAwait(false));
        if (tenant is null || user is null || user.IsDeleted)
        {
            return new Failure.NotFound();
        }

        return tenant.IsActive ? (tenant, user) : TenantRecord.NotActive;
    }

    /// <summary>The id of the user with this (normalised) email in the tenant: one read of the unique-email item.</summary>
    public async Task<string?> FindIdByEmailAsync(string tenantId, string email, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(tenantId))
        {
            return null;
        }

        var link = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = EmailKey(tenantId, email), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return link.IsItemSet ? link.Item.RequireS("userId") : null;
    }

    public async Task<List<UserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :user)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Tenant.Partition(tenantId)), [":user"] = Attr.S(MainItems.User.SortPrefix) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    /// <summary>
    /// 9.2.1 deletion: in one transaction the user becomes a pseudonymous tombstone (no email, name, hash,
    /// TOTP seed or recovery codes; a new security stamp kills every session), the email is freed, and an
    /// active admin's slot under the cap is returned. An active or a suspended user, as read: not found when it was deleted
    /// or changed status meanwhile; a conflict for the last active holder of a platform role (TechHub keeps someone for each duty).
    /// </summary>
    public async Task<Outcome<Completed>> DeleteAsync(
        UserRecord user, IReadOnlyDictionary<string, List<string>> definitions, DateTimeOffset now, PendingAudit record, CancellationToken cancellationToken)
    {
        var items = new List<TransactWriteItem>
        {
            new()
            {
                Update = new Update
                {
                    TableName = Table,
                    Key = Key(user.TenantId, user.UserId),
                    UpdateExpression = "SET #status = :deleted, stamp = :stamp, deletedAt = :now, emailHash = :emailHash, #roles = :none " +
                        "REMOVE email, displayName, passwordHash, totpSecret, totpPending, recoveryCodes, lastTotpStep, temporaryPasswordExpiresAt, mfaResetAt",
                    ConditionExpression = "#status = :status",
                    ExpressionAttributeNames = new() { ["#status"] = "status", ["#roles"] = "roles" },
                    ExpressionAttributeValues = new()
                    {
                        [":deleted"] = Attr.S(UserRecord.Deleted),
                        [":status"] = Attr.S(user.Status),
                        [":stamp"] = Attr.S(NewStamp()),
                        [":now"] = Attr.Time(now),
                        [":emailHash"] = Attr.S(Pseudonym(user.TenantId, user.Email)),
                        [":none"] = Attr.List([]),
                    },
                },
            },
            new() { Delete = new Delete { TableName = Table, Key = EmailKey(user.TenantId, user.Email) } },
        };
        if (user.Roles.Count > 0)
        {
            items.Add(RoleMembership.TenantWrite(
                Table, user.TenantId, definitions, new Standing(user.Roles, user.IsActive), Standing.None, protectLastHolder: user.TenantId == BuiltInRoles.PlatformTenantId));
        }

        try
        {
            await dynamo.CommitAsync(items, record, cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return new Failure.NotFound();
        }
        catch (TransactionCanceledException e) when (user.Roles.Count > 0 && e.FailedCondition(2))
        {
            return new Failure.Conflict("The user is the last active holder of a platform role.");
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
            ExpressionAttributeValues = new() { [":now"] = Attr.Time(now) },
        }, cancellationToken);

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>What a tombstone keeps of an email: a SHA-256 that lets an auditor match an address they already know, and nothing more.</summary>
    private static string Pseudonym(string tenantId, string email) =>
        TextDigest.Sha256Hex($"{tenantId}\n{email}");

    /// <summary>An update of the user item that exists: how the lockout, authenticator and password stores write their attributes.</summary>
    public async Task SetAsync(UserRecord user, string expression, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
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

    /// <summary>
    /// A conditional update of an active user (<c>#status = :active</c> is bound); false when the condition failed. With
    /// <paramref name="record"/>, the change's audit record commits in the same transaction.
    /// </summary>
    public async Task<bool> TryUpdateAsync(
        UserRecord user, string expression, string condition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken, PendingAudit? record = null)
    {
        values[":active"] = Attr.S(UserRecord.Active);
        var update = new Update
        {
            TableName = Table,
            Key = Key(user.TenantId, user.UserId),
            UpdateExpression = expression,
            ConditionExpression = condition,
            ExpressionAttributeNames = new() { ["#status"] = "status" },
            ExpressionAttributeValues = values,
        };
        if (record is not null)
        {
            return await dynamo.TryCommitAsync(new TransactWriteItem { Update = update }, record, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = update.TableName,
                Key = update.Key,
                UpdateExpression = update.UpdateExpression,
                ConditionExpression = update.ConditionExpression,
                ExpressionAttributeNames = update.ExpressionAttributeNames,
                ExpressionAttributeValues = update.ExpressionAttributeValues,
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
        var item = Key(user.TenantId, user.UserId);
        item[TableSchema.Type] = Attr.S(MainItems.User.Type);
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
        item["createdAt"] = Attr.Time(user.CreatedAt);
        if (user.PasswordHash is not null)
        {
            item["passwordHash"] = Attr.S(user.PasswordHash);
        }

        if (user.TemporaryPasswordExpiresAt is { } expiresAt)
        {
            item["temporaryPasswordExpiresAt"] = Attr.Time(expiresAt);
        }

        return item;
    }

    public static UserRecord FromItem(Dictionary<string, AttributeValue> item)
    {
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
            item.GetTime("lockedUntil"),
            item.GetTimeOrEpoch("createdAt"),
            item.GetTime("lastSignInAt"),
            item.GetTime("lastPrivilegedActionAt"),
            item.GetTime("temporaryPasswordExpiresAt"),
            item.GetTime("mfaResetAt"));
    }
}
