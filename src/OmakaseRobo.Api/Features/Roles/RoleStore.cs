using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>Custom role definitions, kept in the tenant item's roles map next to their assignment counters.</summary>
public sealed class RoleStore(IAmazonDynamoDB dynamo, TenantStore tenants, OmakaseOptions options)
{
    public enum PutOutcome
    {
        Put,
        TenantNotActive,
        Changed,
        PermissionRemoved,
    }

    /// <summary>
    /// Creates or replaces a role, in one transaction with <paramref name="usage"/> (the product permission counters,
    /// see ProductPermissionStore.UsageWrites, and the change's audit record): only while the tenant is active and the role is still <paramref name="before"/>
    /// (null: not defined), so counters computed from what was read stay exact under concurrent changes.
    /// </summary>
    public async Task<PutOutcome> PutAsync(
        string tenantId, string role, List<string>? before, IReadOnlyList<string> permissions, IReadOnlyList<TransactWriteItem> usage, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":permissions"] = Attr.List(permissions), [":active"] = Attr.S(TenantRecord.Active) };
        if (before is not null)
        {
            values[":before"] = Attr.List(before);
        }

        var tenantWrite = new TransactWriteItem
        {
            Update = new Update
            {
                TableName = options.Tables.Main,
                Key = TenantStore.Key(tenantId),
                UpdateExpression = "SET #roles.#name = :permissions",
                ConditionExpression = "#status = :active AND " + (before is null ? "attribute_not_exists(#roles.#name)" : "#roles.#name = :before"),
                ExpressionAttributeNames = new() { ["#roles"] = "roles", ["#name"] = role, ["#status"] = "status" },
                ExpressionAttributeValues = values,
            },
        };
        try
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [tenantWrite, .. usage] }, cancellationToken).ConfigureAwait(false);
            return PutOutcome.Put;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is { IsActive: true } ? PutOutcome.Changed : PutOutcome.TenantNotActive;
        }
        catch (TransactionCanceledException e) when (e.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
        {
            return PutOutcome.PermissionRemoved;
        }
        catch (TransactionCanceledException e) when (e.OnlyConflicted())
        {
            return PutOutcome.Changed;
        }
    }

    public enum DeleteOutcome
    {
        Deleted,
        NotFound,
        Assigned,
        Changed,
    }

    /// <summary>
    /// Deletes a role only while no user holds it and it still is <paramref name="before"/>: the counter check, the removal
    /// and <paramref name="usage"/> (its product permissions counted once less, and the audit record) are one transaction.
    /// </summary>
    public async Task<DeleteOutcome> DeleteAsync(string tenantId, string role, List<string> before, IReadOnlyList<TransactWriteItem> usage, CancellationToken cancellationToken)
    {
        try
        {
            var tenantWrite = new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = options.Tables.Main,
                    Key = TenantStore.Key(tenantId),
                    UpdateExpression = "REMOVE #roles.#name, #counter",
                    ConditionExpression = "#roles.#name = :before AND (attribute_not_exists(#counter) OR #counter = :zero)",
                    ExpressionAttributeNames = new() { ["#roles"] = "roles", ["#name"] = role, ["#counter"] = RoleMembership.CounterAttribute(role) },
                    ExpressionAttributeValues = new() { [":zero"] = Attr.N(0), [":before"] = Attr.List(before) },
                },
            };
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [tenantWrite, .. usage] }, cancellationToken).ConfigureAwait(false);
            return DeleteOutcome.Deleted;
        }
        catch (TransactionCanceledException e) when (!e.FailedCondition(0))
        {
            return DeleteOutcome.Changed;
        }
        catch (TransactionCanceledException)
        {
            // Which half of the condition failed: read it back (DynamoDB Local lacks ReturnValuesOnConditionCheckFailure).
            var roles = (await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false))?.Roles;
            return roles is null || !roles.TryGetValue(role, out var now) ? DeleteOutcome.NotFound
                : now.SequenceEqual(before, StringComparer.Ordinal) ? DeleteOutcome.Assigned
                : DeleteOutcome.Changed;
        }
    }
}
