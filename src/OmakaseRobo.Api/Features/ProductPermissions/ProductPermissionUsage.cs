using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.ProductPermissions;

/// <summary>
/// How many custom roles, in every tenant, hold each product permission: one number per permission in the usage item
/// (PERMISSIONS / #USES), so that a role's change, however many product permissions it gains or loses, adds to its own
/// transaction one check of the catalogue and one update of the counts. Definitions written before the usage item kept
/// their count in their own <c>uses</c>; the permission's delete moves it over before it checks the count.
/// </summary>
internal sealed class ProductPermissionUsage(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    /// <summary>Where a definition written before the usage item kept its count of roles.</summary>
    public const string LegacyUses = "uses";

    private string Table => options.Tables.Main;

    /// <summary>A custom role holds tenant permissions and product ones: every name that is not a tenant permission.</summary>
    private static bool IsProduct(string permission) => !Permissions.Tenant.Contains(permission);

    /// <summary>For the permission's delete transaction: its count removed, only while no role holds it.</summary>
    public TransactWriteItem ReleaseIfUnused(string name) => new()
    {
        Update = new Update
        {
            TableName = Table,
            Key = MainItems.ProductPermissionUsage.Key(),
            UpdateExpression = "SET #type = :type REMOVE #count",
            ConditionExpression = "attribute_not_exists(#count) OR #count = :zero",
            ExpressionAttributeNames = new() { ["#type"] = TableSchema.Type, ["#count"] = name },
            ExpressionAttributeValues = new() { [":type"] = Attr.S(MainItems.ProductPermissionUsage.Type), [":zero"] = Attr.N(0) },
        },
    };

    /// <summary>
    /// The writes that go in the same transaction as a role's change from <paramref name="before"/> to
    /// <paramref name="after"/>: the catalogue still defines every product permission it gains (one check, whatever their
    /// number), and each one it gains is counted once more, each one it loses once less (one update).
    /// </summary>
    public List<TransactWriteItem> UsageWrites(IEnumerable<string> before, IEnumerable<string> after)
    {
        var was = before.Where(IsProduct).ToHashSet(StringComparer.Ordinal);
        var now = after.Where(IsProduct).ToHashSet(StringComparer.Ordinal);
        var gained = now.Except(was).Order(StringComparer.Ordinal).ToList();
        var lost = was.Except(now).Order(StringComparer.Ordinal).ToList();
        var writes = new List<TransactWriteItem>();
        if (gained.Count > 0)
        {
            writes.Add(new TransactWriteItem
            {
                ConditionCheck = new ConditionCheck
                {
                    TableName = Table,
                    Key = MainItems.ProductPermissionCatalogue.Key(),
                    ConditionExpression = string.Join(" AND ", gained.Select((_, i) => $"contains(#names, :g{i})")),
                    ExpressionAttributeNames = new() { ["#names"] = "names" },
                    ExpressionAttributeValues = gained.Select((p, i) => (Key: $":g{i}", Value: Attr.S(p))).ToDictionary(v => v.Key, v => v.Value),
                },
            });
        }

        if (gained.Count + lost.Count > 0)
        {
            writes.Add(Counted([.. gained.Select(p => (p, 1L)), .. lost.Select(p => (p, -1L))]));
        }

        return writes;
    }

    /// <summary>
    /// For a deleted tenant's last transaction: each product permission its custom roles held is counted once less for
    /// every role that held it. Null when they held none.
    /// </summary>
    public TransactWriteItem? ReleaseAll(IEnumerable<IReadOnlyCollection<string>> roles)
    {
        var held = roles.SelectMany(r => r.Where(IsProduct).Distinct(StringComparer.Ordinal))
            .GroupBy(p => p, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, -(long)g.Count()))
            .ToList();
        return held.Count == 0 ? null : Counted(held);
    }

    /// <summary>
    /// A definition from before the usage item carries its count in <c>uses</c>: it moves to the usage item in one
    /// transaction (ADD, so counts that role changes made there since are kept). A second mover finds it gone.
    /// </summary>
    public async Task MoveLegacyCountAsync(string name, long count, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.TransactWriteAsync(
            [
                new TransactWriteItem
                {
                    Update = new Update
                    {
                        TableName = Table,
                        Key = MainItems.ProductPermissionDefinition.Key(name),
                        UpdateExpression = "REMOVE #uses",
                        ConditionExpression = "#uses = :count",
                        ExpressionAttributeNames = new() { ["#uses"] = LegacyUses },
                        ExpressionAttributeValues = new() { [":count"] = Attr.N(count) },
                    },
                },
                Counted([(name, count)]),
            ], cancellationToken).ConfigureAwait(false);
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            // already moved by another delete
        }
    }

    /// <summary>One update of the usage item adding each delta to its permission's count (ADD starts a missing count at 0).</summary>
    private TransactWriteItem Counted(List<(string Permission, long Delta)> deltas)
    {
        var names = new Dictionary<string, string> { ["#type"] = TableSchema.Type };
        var values = new Dictionary<string, AttributeValue> { [":type"] = Attr.S(MainItems.ProductPermissionUsage.Type) };
        for (var i = 0; i < deltas.Count; i++)
        {
            names[$"#c{i}"] = deltas[i].Permission;
            values[$":c{i}"] = Attr.N(deltas[i].Delta);
        }

        return new TransactWriteItem
        {
            Update = new Update
            {
                TableName = Table,
                Key = MainItems.ProductPermissionUsage.Key(),
                UpdateExpression = "SET #type = :type ADD " + string.Join(", ", deltas.Select((_, i) => $"#c{i} :c{i}")),
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            },
        };
    }
}
