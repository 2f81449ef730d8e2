using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
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

    public async Task CreateAsync(ServiceClientRecord client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var item = Key(client.ClientId);
        item[TableSchema.Type] = Attr.S(ItemType);
        item["clientId"] = Attr.S(client.ClientId);
        item["name"] = Attr.S(client.Name);
        if (client.Description is not null)
        {
            item["description"] = Attr.S(client.Description);
        }

        item["secretHash"] = Attr.S(client.SecretHash);
        item["createdAt"] = Attr.N(client.CreatedAt.ToUnixTimeMilliseconds());
        item["createdBy"] = Attr.S(client.CreatedBy);
        item[TableSchema.Index1PartitionKey] = Attr.S(ListPartition);
        item[TableSchema.Index1SortKey] = Attr.S(client.ClientId);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>False when there was no such client.</summary>
    public async Task<bool> DeleteAsync(string clientId, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = Key(clientId), ConditionExpression = "attribute_exists(pk)" }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public static ServiceClientRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(
            item.RequireS("clientId"),
            item.RequireS("name"),
            item.GetS("description"),
            item.RequireS("secretHash"),
            DateTimeOffset.FromUnixTimeMilliseconds(item.GetN("createdAt") ?? 0),
            item.RequireS("createdBy"));
    }
}
