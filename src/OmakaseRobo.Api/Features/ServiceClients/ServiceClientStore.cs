using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.ServiceClients;

internal sealed record ServiceClientRecord(string ClientId, string Name, string? Description, string SecretHash, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// Service clients in the main table (pk SERVICECLIENT#id, sk #CLIENT), listed through gsi1 (SERVICECLIENTS). Deleting
/// removes the item: introspection reads it with the token on every call, so the client is refused at once everywhere.
/// </summary>
internal sealed class ServiceClientStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    public const string ItemType = MainItems.ServiceClient.Type;
    private const string ListPartition = MainItems.ServiceClient.ListPartition;

    private string Table => options.Tables.Main;

    public static Dictionary<string, AttributeValue> Key(string clientId) => MainItems.ServiceClient.Key(clientId);

    public async Task CreateAsync(ServiceClientRecord client, PendingAudit record, CancellationToken cancellationToken)
    {
        var item = Key(client.ClientId);
        item[TableSchema.Type] = Attr.S(ItemType);
        item["clientId"] = Attr.S(client.ClientId);
        item["name"] = Attr.S(client.Name);
        if (client.Description is not null)
        {
            item["description"] = Attr.S(client.Description);
        }

        item["secretHash"] = Attr.S(client.SecretHash);
        item["createdAt"] = Attr.Time(client.CreatedAt);
        item["createdBy"] = Attr.S(client.CreatedBy);
        item[TableSchema.Index1PartitionKey] = Attr.S(ListPartition);
        item[TableSchema.Index1SortKey] = Attr.S(client.ClientId);
        await dynamo.CommitAsync([new TransactWriteItem { Put = new Put { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" } }], record, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<List<ServiceClientRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :all",
            ExpressionAttributeValues = new() { [":all"] = Attr.S(ListPartition) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    /// <summary>Deletes the client with its audit record; false when there was no such client.</summary>
    public Task<bool> DeleteAsync(string clientId, PendingAudit record, CancellationToken cancellationToken) =>
        dynamo.TryCommitAsync(new TransactWriteItem { Delete = new Delete { TableName = Table, Key = Key(clientId), ConditionExpression = "attribute_exists(pk)" } }, record, cancellationToken);

    public static ServiceClientRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        return new(
            item.RequireS("clientId"),
            item.RequireS("name"),
            item.GetS("description"),
            item.RequireS("secretHash"),
            item.GetTimeOrEpoch("createdAt"),
            item.RequireS("createdBy"));
    }
}
