using System.Collections.Frozen;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.ProductPermissions;

/// <summary>The names of the product permissions defined now, as every request reads them next to its session.</summary>
internal sealed record ProductCatalogue(FrozenSet<string> Names, FrozenSet<string> Privileged)
{
    public static readonly ProductCatalogue Empty = new(FrozenSet<string>.Empty, FrozenSet<string>.Empty);
}

/// <summary>A product permission's definition.</summary>
internal sealed record ProductPermissionRecord(string Name, string Japanese, string English, bool Privileged, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Product permissions in the main table, partition PERMISSIONS: one definition item per permission (sk PERMISSION#name,
/// descriptions and privileged flag); one small catalogue item (sk #PRODUCT: the string sets names and privileged) that
/// the session read fetches in the same BatchGetItem, so admin's "every product permission" costs no extra round trip;
/// and one usage item (sk #USES: per permission, how many custom roles hold it), so that a role's change, however many
/// permissions it gains or loses, is its tenant item, one check of the catalogue, one update of the counts and its
/// audit record: four items, within the local engine's ten (<see cref="ProductPermissionUsage"/>). Every change of a
/// definition goes in one transaction with the catalogue.
/// </summary>
internal sealed class ProductPermissionStore(IAmazonDynamoDB dynamo, ProductPermissionUsage usage, OmakaseOptions options)
{
    public const string CatalogueType = MainItems.ProductPermissionCatalogue.Type;
    public const int MaxPermissions = 200;

    private string Table => options.Tables.Main;

    public static Dictionary<string, AttributeValue> CatalogueKey() => MainItems.ProductPermissionCatalogue.Key();

    private static Dictionary<string, AttributeValue> DefinitionKey(string name) => MainItems.ProductPermissionDefinition.Key(name);

    public static ProductCatalogue CatalogueFrom(Dictionary<string, AttributeValue>? item) => item is null
        ? ProductCatalogue.Empty
        : new(item.GetStringSet("names").ToFrozenSet(StringComparer.Ordinal), item.GetStringSet("privileged").ToFrozenSet(StringComparer.Ordinal));

    public async Task<ProductCatalogue> GetCatalogueAsync(CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = CatalogueKey(), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return CatalogueFrom(response.IsItemSet ? response.Item : null);
    }

    public async Task<ProductPermissionRecord?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = DefinitionKey(name), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? FromItem(response.Item) : null;
    }

    public async Task<List<ProductPermissionRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :definition)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.ProductPermissionCatalogue.Partition), [":definition"] = Attr.S(MainItems.ProductPermissionDefinition.SortPrefix) },
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    /// <summary>What <see cref="PutAsync"/> answers when another change of the permission won: the service reads it again and retries.</summary>
    public static readonly Failure Changed = new Failure.Conflict("The permission changed meanwhile; read it and try again.");

    /// <summary>
    /// Defines a permission (<paramref name="isNew"/>) or changes its descriptions and flag; its count of roles is not touched.
    /// <see cref="Changed"/> when another change won the race.
    /// </summary>
    public async Task<Outcome<Completed>> PutAsync(ProductPermissionRecord permission, bool isNew, PendingAudit record, CancellationToken cancellationToken)
    {
        var definition = new TransactWriteItem();
        if (isNew)
        {
            var item = DefinitionKey(permission.Name);
            item[TableSchema.Type] = Attr.S(MainItems.ProductPermissionDefinition.Type);
            item["name"] = Attr.S(permission.Name);
            item["ja"] = Attr.S(permission.Japanese);
            item["en"] = Attr.S(permission.English);
            item["privileged"] = Attr.Bool(permission.Privileged);
            item["createdAt"] = Attr.Time(permission.CreatedAt);
            item["updatedAt"] = Attr.Time(permission.UpdatedAt);
            definition.Put = new Put { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" };
        }
        else
        {
            definition.Update = new Update
            {
                TableName = Table,
                Key = DefinitionKey(permission.Name),
                UpdateExpression = "SET #ja = :ja, #en = :en, #privileged = :privileged, #updatedAt = :now",
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeNames = new() { ["#ja"] = "ja", ["#en"] = "en", ["#privileged"] = "privileged", ["#updatedAt"] = "updatedAt" },
                ExpressionAttributeValues = new()
                {
                    [":ja"] = Attr.S(permission.Japanese),
                    [":en"] = Attr.S(permission.English),
                    [":privileged"] = Attr.Bool(permission.Privileged),
                    [":now"] = Attr.Time(permission.UpdatedAt),
                },
            };
        }

        var values = new Dictionary<string, AttributeValue> { [":type"] = Attr.S(CatalogueType), [":name"] = Attr.StringSet([permission.Name]) };
        if (isNew)
        {
            values[":max"] = Attr.N(MaxPermissions);
        }

        var catalogue = new TransactWriteItem
        {
            Update = new Update
            {
                TableName = Table,
                Key = CatalogueKey(),
                UpdateExpression = "SET #type = :type " + (permission.Privileged ? "ADD #names :name, #privileged :name" : "ADD #names :name DELETE #privileged :name"),
                ConditionExpression = isNew ? "attribute_not_exists(#names) OR size(#names) < :max" : null,
                ExpressionAttributeNames = new() { ["#type"] = TableSchema.Type, ["#names"] = "names", ["#privileged"] = "privileged" },
                ExpressionAttributeValues = values,
            },
        };
        try
        {
            await dynamo.TransactWriteAsync([definition, catalogue, record.Write], cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(1))
        {
            return new Failure.Conflict($"There are already {MaxPermissions} product permissions.");
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0) || e.OnlyConflicted())
        {
            return Changed;
        }
    }

    /// <summary>
    /// Removes a permission only while no role holds it: its count checked and removed, the definition deleted, the name
    /// taken out of the catalogue and the audit record, in one transaction.
    /// </summary>
    public async Task<Outcome<Completed>> DeleteAsync(string name, PendingAudit record, CancellationToken cancellationToken)
    {
        var definition = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = DefinitionKey(name), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        if (!definition.IsItemSet)
        {
            return new Failure.NotFound();
        }

        if (definition.Item.GetN(ProductPermissionUsage.LegacyUses) is { } legacy)
        {
            await usage.MoveLegacyCountAsync(name, legacy, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await dynamo.TransactWriteAsync(
            [
                new TransactWriteItem
                {
                    Delete = new Delete
                    {
                        TableName = Table,
                        Key = DefinitionKey(name),
                        ConditionExpression = "attribute_exists(pk) AND attribute_not_exists(#uses)",
                        ExpressionAttributeNames = new() { ["#uses"] = ProductPermissionUsage.LegacyUses },
                    },
                },
                new TransactWriteItem
                {
                    Update = new Update
                    {
                        TableName = Table,
                        Key = CatalogueKey(),
                        UpdateExpression = "DELETE #names :name, #privileged :name",
                        ExpressionAttributeNames = new() { ["#names"] = "names", ["#privileged"] = "privileged" },
                        ExpressionAttributeValues = new() { [":name"] = Attr.StringSet([name]) },
                    },
                },
                usage.ReleaseIfUnused(name),
                record.Write,
            ], cancellationToken).ConfigureAwait(false);
            return Completed.Value;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(2))
        {
            return new Failure.Conflict("A role holds this permission; remove it from every role first.");
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            // Deleted, or deleted and defined again, since it was read.
            return await GetAsync(name, cancellationToken).ConfigureAwait(false) is null ? new Failure.NotFound() : Changed;
        }
        catch (TransactionCanceledException e) when (e.OnlyConflicted())
        {
            return new Failure.Conflict("A role holding this permission is being changed; try again.");
        }
    }

    private static ProductPermissionRecord FromItem(Dictionary<string, AttributeValue> item) => new(
        item.RequireS("name"),
        item.RequireS("ja"),
        item.RequireS("en"),
        item.GetBool("privileged"),
        item.GetTimeOrEpoch("createdAt"),
        item.GetTimeOrEpoch("updatedAt"));
}
