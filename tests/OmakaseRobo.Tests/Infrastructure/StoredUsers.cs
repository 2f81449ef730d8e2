using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>A user item as DynamoDB holds it, read past the API: what a test checks a write left behind.</summary>
public static class StoredUsers
{
    public static async Task<Dictionary<string, AttributeValue>> StoredUserAsync(this OmakaseApp app, string tenantId, string userId)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var dynamo = OmakaseApp.Dynamo();
        return (await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = app.MainTable,
            Key = new() { ["pk"] = new($"TENANT#{tenantId}"), ["sk"] = new($"USER#{userId}") },
            ConsistentRead = true,
        })).Item;
    }
}
