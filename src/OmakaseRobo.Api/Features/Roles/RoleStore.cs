using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>Custom role definitions, kept in the tenant item's roles map next to their assignment counters.</summary>
internal sealed class RoleStore(IAmazonDynamoDB dynamo, TenantStore tenants, OmakaseOptions options)
{
    /// <summary>Custom roles one tenant may define; a condition of the write that defines a new one.</summary>
    public const int MaxRolesPerTenant = 50;

    public static readonly Failure TooManyRoles = new Failure.Conflict("The tenant has too many roles.");

    private static readonly Failure Changed = new Failure.Conflict("The role changed meanwhile; read it and try again.");

    /// <summary>
    /// Creates or replaces a role, in one transaction with <paramref name="usage"/> (the product permission counters,
    /// see ProductPermissionUsage.UsageWrites, and the change's audit record): only while the tenant is active and the role
    /// is still <paramref name="before"/> (null: not defined, and the tenant below its cap of roles), so counters computed from what was read stay exact under
    /// concurrent changes. With <paramref name="onlyUnassigned"/> (the change makes the role privileged or no longer so)
    /// only while nobody holds it.
    /// </summary>
    public async Task<Outcome<Completed>> PutAsync(
        string tenantId, string role, List<string>? before, IReadOnlyList<string> permissions, IReadOnlyList<TransactWriteItem> usage, bool onlyUnassigned,
        CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":permissions"] = Attr.List(permissions), [":active"] = Attr.S(TenantRecord.Active) };
        var names = new Dictionary<string, string> { ["#roles"] = "roles", ["#name"] = role, ["#status"] = "status" };
        // A new role needs room under the cap, checked by the write itself so that parallel creations cannot pass it.
        var condition = "#status = :active AND " + (before is null ? "attribute_not_exists(#roles.#name) AND size(#roles) < :max" : "#roles.#name = :before");
        if (before is null)
        {
            values[":max"] = Attr.N(MaxRolesPerTenant);
        }
        else
        {
            values[":before"] = Attr.List(before);
        }

        if (onlyUnassigned)
        {
            condition += " AND (attribute_not_exists(#counter) OR #counter = :zero)";
            names["#counter"] = RoleMembership.CounterAttribute(role);
            values[":zero"] = Attr.N(0);
        }

        var tenantWrite = new TransactWriteItem
        {
            Update = new Update
            {
                TableName = options.Tables.Main,
                Key = TenantStore.Key(tenantId),
                UpdateExpression = "SET #roles.#name = :permissions",
                ConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            },
        };
        try
        {
            await dynamo.TransactWriteAsync([tenantWrite, .. usage], cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            var tenant = await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false);
            return tenant is not { IsActive: true } ? TenantRecord.NotActive
                : before is null && !tenant.Roles.ContainsKey(role) && tenant.Roles.Count >= MaxRolesPerTenant ? TooManyRoles
                : onlyUnassigned && tenant.Roles.TryGetValue(role, out var now) && before is not null && now.SequenceEqual(before, StringComparer.Ordinal)
                    ? new Failure.Conflict("The role is assigned: it cannot become privileged, or stop being so, while users hold it. Define a new role instead.")
                : Changed;
        }
        catch (TransactionCanceledException e) when (e.AnyConditionFailed())
        {
            return Failure.InvalidField("permissions", FieldMessages.UnknownValue);
        }
        catch (TransactionCanceledException e) when (e.OnlyConflicted())
        {
            return Changed;
        }
    }

    /// <summary>
    /// Deletes a role only while no user holds it and it still is <paramref name="before"/>: the counter check, the removal
    /// and <paramref name="usage"/> (its product permissions counted once less, and the audit record) are one transaction.
    /// </summary>
    public async Task<Outcome<Completed>> DeleteAsync(string tenantId, string role, List<string> before, IReadOnlyList<TransactWriteItem> usage, CancellationToken cancellationToken)
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
            await dynamo.TransactWriteAsync([tenantWrite, .. usage], cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            // Which half of the condition failed: read it back (DynamoDB Local lacks ReturnValuesOnConditionCheckFailure).
            var roles = (await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false))?.Roles;
            return roles is null || !roles.TryGetValue(role, out var now) ? new Failure.NotFound()
                : now.SequenceEqual(before, StringComparer.Ordinal) ? new Failure.Conflict("The role is assigned to users.")
                : Changed;
        }
        catch (TransactionCanceledException e) when (e.AnyConditionFailed() || e.OnlyConflicted())
        {
            return Changed; // a product permission's counter moved meanwhile (throttling alone goes on as a 503)
        }
    }
}
