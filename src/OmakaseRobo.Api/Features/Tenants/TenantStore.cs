using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Tenants;

/// <summary>A customer tenant and its policy. Custom role definitions live on the tenant item, so one read gives a caller's permissions.</summary>
internal sealed record TenantRecord(
    string TenantId,
    string Name,
    int AdminLimit,
    bool RequireMfaForAdmins,
    int AdminCount,
    string Status,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, List<string>> Roles,
    DateTimeOffset? TerminatedAt = null,
    DateTimeOffset? DataDeletionAfter = null,
    string? RequestFingerprint = null)
{
    public const string Active = "active";
    public const string Terminated = "terminated";

    public bool IsActive => Status == Active;

    /// <summary>What a change of a terminated tenant's users or roles answers: nothing there changes any more.</summary>
    public static readonly Failure NotActive = new Failure.Conflict("The tenant is not active.");
}

/// <summary>Tenant items in the main table: pk TENANT#id, sk #TENANT.</summary>
internal sealed class TenantStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    public static Dictionary<string, AttributeValue> Key(string tenantId) => MainItems.Tenant.Key(tenantId);

    public async Task<TenantRecord?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(tenantId))
        {
            return null;
        }

        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = options.Tables.Main,
            Key = Key(tenantId),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? FromItem(response.Item) : null;
    }

    public async Task<List<TenantRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = options.Tables.Main,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :all",
            ExpressionAttributeValues = new() { [":all"] = Attr.S(MainItems.Tenant.ListPartition) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    /// <summary>
    /// Stores a new tenant, with its audit record when given (the bootstrap's platform tenant has none). False when the
    /// id is taken: by a tenant, or by the deletion certificate of one (an id named by an Idempotency-Key never comes
    /// back after its tenant was deleted). Nothing was written then.
    /// </summary>
    public async Task<bool> CreateAsync(TenantRecord tenant, PendingAudit? record, CancellationToken cancellationToken)
    {
        var put = new Put { TableName = options.Tables.Main, Item = ToItem(tenant), ConditionExpression = "attribute_not_exists(pk)" };
        try
        {
            if (record is null)
            {
                await dynamo.PutItemAsync(new PutItemRequest { TableName = put.TableName, Item = put.Item, ConditionExpression = put.ConditionExpression }, cancellationToken)
                    .ConfigureAwait(false);
                return true;
            }

            var neverDeleted = new ConditionCheck { TableName = options.Tables.Main, Key = MainItems.DeletionCertificate.Key(tenant.TenantId), ConditionExpression = "attribute_not_exists(pk)" };
            await dynamo.CommitAsync([new TransactWriteItem { Put = put }, new TransactWriteItem { ConditionCheck = neverDeleted }], record, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0) || e.FailedCondition(1))
        {
            return false;
        }
    }

    /// <summary>Active to terminated with its audit record in one transaction; false when the tenant is not active (or does not exist).</summary>
    public Task<bool> TerminateAsync(string tenantId, DateTimeOffset now, DateTimeOffset deleteAfter, PendingAudit record, CancellationToken cancellationToken) =>
        dynamo.TryCommitAsync(new TransactWriteItem
        {
            Update = new Update
            {
                TableName = options.Tables.Main,
                Key = Key(tenantId),
                UpdateExpression = "SET #status = :terminated, terminatedAt = :now, dataDeletionAfter = :after",
                ConditionExpression = "#status = :active",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = new()
                {
                    [":terminated"] = Attr.S(TenantRecord.Terminated),
                    [":active"] = Attr.S(TenantRecord.Active),
                    [":now"] = Attr.Time(now),
                    [":after"] = Attr.Time(deleteAfter),
                },
            },
        }, record, cancellationToken);

    public static Dictionary<string, AttributeValue> ToItem(TenantRecord tenant)
    {
        var item = Key(tenant.TenantId);
        item[TableSchema.Type] = Attr.S(MainItems.Tenant.Type);
        item["tenantId"] = Attr.S(tenant.TenantId);
        item["name"] = Attr.S(tenant.Name);
        item["adminLimit"] = Attr.N(tenant.AdminLimit);
        item["requireMfaForAdmins"] = Attr.Bool(tenant.RequireMfaForAdmins);
        item["adminCount"] = Attr.N(tenant.AdminCount);
        item["status"] = Attr.S(tenant.Status);
        item["createdAt"] = Attr.Time(tenant.CreatedAt);
        item["roles"] = new AttributeValue { M = tenant.Roles.ToDictionary(r => r.Key, r => Attr.List(r.Value)), IsMSet = true };
        if (tenant.RequestFingerprint is not null)
        {
            item["requestFingerprint"] = Attr.S(tenant.RequestFingerprint);
        }

        // Every tenant in one index partition, so the privileged-access review can list them without a scan.
        item[TableSchema.Index1PartitionKey] = Attr.S(MainItems.Tenant.ListPartition);
        item[TableSchema.Index1SortKey] = Attr.S(tenant.TenantId);
        return item;
    }

    public static TenantRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        var roles = item.TryGetValue("roles", out var map) && map.M is { } m
            ? m.ToDictionary(r => r.Key, r => r.Value.L?.Select(v => v.S).ToList() ?? [])
            : [];
        return new TenantRecord(
            item.RequireS("tenantId"),
            item.RequireS("name"),
            (int)(item.GetN("adminLimit") ?? 0),
            item.GetBool("requireMfaForAdmins"),
            (int)(item.GetN("adminCount") ?? 0),
            item.RequireS("status"),
            item.GetTimeOrEpoch("createdAt"),
            roles,
            item.GetTime("terminatedAt"),
            item.GetTime("dataDeletionAfter"),
            item.GetS("requestFingerprint"));
    }
}
