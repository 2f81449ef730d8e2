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
    /// <summary>Creates or replaces a role; false when the tenant is not active.</summary>
    public async Task<bool> PutAsync(string tenantId, string role, IReadOnlyList<string> permissions, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = TenantStore.Key(tenantId),
                UpdateExpression = "SET #roles.#name = :permissions",
                ConditionExpression = "#status = :active",
                ExpressionAttributeNames = new() { ["#roles"] = "roles", ["#name"] = role, ["#status"] = "status" },
                ExpressionAttributeValues = new() { [":permissions"] = Attr.List(permissions), [":active"] = Attr.S(TenantRecord.Active) },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public enum DeleteOutcome
    {
        Deleted,
        NotFound,
        Assigned,
    }

    /// <summary>Deletes a role only while no user holds it: the counter check and the removal are one conditional write.</summary>
    public async Task<DeleteOutcome> DeleteAsync(string tenantId, string role, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Tables.Main,
                Key = TenantStore.Key(tenantId),
                UpdateExpression = "REMOVE #roles.#name, #counter",
                ConditionExpression = "attribute_exists(#roles.#name) AND (attribute_not_exists(#counter) OR #counter = :zero)",
                ExpressionAttributeNames = new() { ["#roles"] = "roles", ["#name"] = role, ["#counter"] = RoleMembership.CounterAttribute(role) },
                ExpressionAttributeValues = new() { [":zero"] = Attr.N(0) },
            }, cancellationToken).ConfigureAwait(false);
            return DeleteOutcome.Deleted;
        }
        catch (ConditionalCheckFailedException)
        {
            // Which half of the condition failed: read it back (DynamoDB Local lacks ReturnValuesOnConditionCheckFailure).
            var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
            return tenant is not null && tenant.Roles.ContainsKey(role) ? DeleteOutcome.Assigned : DeleteOutcome.NotFound;
        }
    }
}
