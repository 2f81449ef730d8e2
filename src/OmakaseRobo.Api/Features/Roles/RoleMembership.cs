using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Roles;

/// <summary>A user's place in the tenant's counters: the roles they hold and whether they are active.</summary>
internal sealed record Standing(IReadOnlyCollection<string> Roles, bool Active)
{
    /// <summary>No user (before a creation, after a deletion).</summary>
    public static readonly Standing None = new([], false);

    public bool HoldsActive(string role) => Active && Roles.Contains(role);
}

/// <summary>
/// The tenant-item write that goes in the same transaction as any change of a user's roles or status, so the counters
/// hold under concurrent changes:
/// <list type="bullet">
/// <item>adminCount: active privileged users (see <see cref="Privilege"/>), never above adminLimit;</item>
/// <item>ah_role: active holders of a protected role (admin; each platform role), which with protection never drops to zero;</item>
/// <item>rc_role: users holding a custom role (a role in use cannot be deleted, nor change whether it is privileged);</item>
/// </list>
/// and each custom role given is still defined exactly as it was read, so whether it is privileged cannot change under it.
/// </summary>
internal static class RoleMembership
{
    public static string CounterAttribute(string role) => $"rc_{role}";

    public static string ActiveHoldersAttribute(string role) => $"ah_{role}";

    public static TransactWriteItem TenantWrite(
        string table, string tenantId, IReadOnlyDictionary<string, List<string>> definitions, Standing before, Standing after, bool protectLastHolder)
    {
        var expression = new Expression();
        expression.Condition($"{expression.Name("status")} = {expression.Value(Attr.S(TenantRecord.Active))}");
        foreach (var role in after.Roles.Except(before.Roles, StringComparer.Ordinal).Where(r => definitions.ContainsKey(r)))
        {
            expression.Add(expression.Name(CounterAttribute(role)), 1);
            expression.Condition($"{expression.Name("roles")}.{expression.Name(role)} = {expression.Value(Attr.List(definitions[role]))}");
        }

        foreach (var role in before.Roles.Except(after.Roles, StringComparer.Ordinal).Where(r => definitions.ContainsKey(r)))
        {
            expression.Add(expression.Name(CounterAttribute(role)), -1);
        }

        if (tenantId != BuiltInRoles.PlatformTenantId)
        {
            var privilege = (after.Active && Privilege.Holds(tenantId, after.Roles, definitions) ? 1 : 0) - (before.Active && Privilege.Holds(tenantId, before.Roles, definitions) ? 1 : 0);
            if (privilege != 0)
            {
                expression.Add("adminCount", privilege);
            }

            if (privilege > 0)
            {
                expression.Condition("adminCount < adminLimit");
            }
        }

        foreach (var role in before.Roles.Concat(after.Roles).Distinct(StringComparer.Ordinal).Where(r => Privilege.IsProtectedRole(tenantId, r)))
        {
            var delta = (after.HoldsActive(role) ? 1 : 0) - (before.HoldsActive(role) ? 1 : 0);
            if (delta == 0)
            {
                continue;
            }

            var counter = expression.Name(ActiveHoldersAttribute(role));
            expression.Add(counter, delta);
            if (delta < 0 && protectLastHolder)
            {
                expression.Condition($"{counter} > {expression.Value(Attr.N(1))}");
            }
        }

        return expression.Write(table, TenantStore.Key(tenantId));
    }

    /// <summary>An update or condition check built up with unique placeholders.</summary>
    private sealed class Expression
    {
        private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, AttributeValue> values = new(StringComparer.Ordinal);
        private readonly List<string> conditions = [];
        private readonly List<string> adds = [];

        public string Name(string attribute)
        {
            var placeholder = $"#n{names.Count}";
            names[placeholder] = attribute;
            return placeholder;
        }

        public string Value(AttributeValue value)
        {
            var placeholder = $":v{values.Count}";
            values[placeholder] = value;
            return placeholder;
        }

        public void Add(string attribute, int delta) => adds.Add($"{attribute} {Value(Attr.N(delta))}");

        public void Condition(string condition) => conditions.Add(condition);

        public TransactWriteItem Write(string table, Dictionary<string, AttributeValue> key)
        {
            var condition = string.Join(" AND ", conditions);
            return adds.Count == 0
                ? new TransactWriteItem { ConditionCheck = new ConditionCheck { TableName = table, Key = key, ConditionExpression = condition, ExpressionAttributeNames = names, ExpressionAttributeValues = values } }
                : new TransactWriteItem
                {
                    Update = new Update
                    {
                        TableName = table, Key = key, UpdateExpression = "ADD " + string.Join(", ", adds),
                        ConditionExpression = condition, ExpressionAttributeNames = names, ExpressionAttributeValues = values,
                    },
                };
        }
    }
}
