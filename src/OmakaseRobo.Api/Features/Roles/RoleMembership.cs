using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>
/// The tenant-item write that goes in the same transaction as any change of a user's roles: the tenant is
/// active, the admin count stays within the cap (and, on a role change, never drops to zero), each custom
/// role given is still defined, and per-role counters (rc_name) say which roles are assigned.
/// </summary>
public static class RoleMembership
{
    public static string CounterAttribute(string role) => $"rc_{role}";

    public static TransactWriteItem TenantWrite(
        string table, string tenantId, IReadOnlyCollection<string> before, IReadOnlyCollection<string> after, bool protectLastAdmin)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var names = new Dictionary<string, string> { ["#status"] = "status" };
        var values = new Dictionary<string, AttributeValue> { [":active"] = Attr.S(TenantRecord.Active) };
        var conditions = new List<string> { "#status = :active" };
        var adds = new List<string>();
        if (tenantId != BuiltInRoles.PlatformTenantId)
        {
            var added = after.Except(before, StringComparer.Ordinal).ToList();
            var removed = before.Except(after, StringComparer.Ordinal).ToList();
            values[":one"] = Attr.N(1);
            values[":minus"] = Attr.N(-1);
            if (added.Contains(BuiltInRoles.Admin))
            {
                adds.Add("adminCount :one");
                conditions.Add("adminCount < adminLimit");
            }

            if (removed.Contains(BuiltInRoles.Admin))
            {
                adds.Add("adminCount :minus");
                if (protectLastAdmin)
                {
                    conditions.Add("adminCount > :one");
                }
            }

            var index = 0;
            foreach (var (role, delta) in added.Select(r => (r, ":one")).Concat(removed.Select(r => (r, ":minus"))))
            {
                if (role == BuiltInRoles.Admin)
                {
                    continue;
                }

                names[$"#rc{index}"] = CounterAttribute(role);
                adds.Add($"#rc{index} {delta}");
                if (delta == ":one")
                {
                    names["#roles"] = "roles";
                    names[$"#rn{index}"] = role;
                    conditions.Add($"attribute_exists(#roles.#rn{index})");
                }

                index++;
            }
        }

        var condition = string.Join(" AND ", conditions);
        if (adds.Count == 0)
        {
            return new TransactWriteItem
            {
                ConditionCheck = new ConditionCheck
                {
                    TableName = table,
                    Key = TenantStore.Key(tenantId),
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values.Where(v => condition.Contains(v.Key, StringComparison.Ordinal)).ToDictionary(),
                },
            };
        }

        return new TransactWriteItem
        {
            Update = new Update
            {
                TableName = table,
                Key = TenantStore.Key(tenantId),
                UpdateExpression = "ADD " + string.Join(", ", adds),
                ConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values.Where(v => condition.Contains(v.Key, StringComparison.Ordinal) || adds.Any(a => a.EndsWith(v.Key, StringComparison.Ordinal))).ToDictionary(),
            },
        };
    }
}
