using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>The one way to read every page of a Query: streamed item by item, or collected when the caller needs a list.</summary>
internal static class Paging
{
    public static async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryItemsAsync(
        this IAmazonDynamoDB dynamo, QueryRequest query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        do
        {
            var page = await dynamo.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }

            query.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (query.ExclusiveStartKey is not null);
    }

    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(
        this IAmazonDynamoDB dynamo, QueryRequest query, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        await foreach (var item in dynamo.QueryItemsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            items.Add(item);
        }

        return items;
    }
}
