using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// Reads keys 100 at a time with BatchGetItem, strongly consistent, resending UnprocessedKeys with exponential back-off;
/// a key whose item does not exist is simply absent from the answer.
/// </summary>
internal sealed class BatchReader(IAmazonDynamoDB dynamo)
{
    public const int BatchSize = 100;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public async Task<List<Dictionary<string, AttributeValue>>> ReadAsync(
        string table, IEnumerable<Dictionary<string, AttributeValue>> keys, string? projection, Dictionary<string, string>? names, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        foreach (var chunk in keys.Chunk(BatchSize))
        {
            var pending = new Dictionary<string, KeysAndAttributes>
            {
                [table] = new KeysAndAttributes { Keys = [.. chunk], ConsistentRead = true, ProjectionExpression = projection, ExpressionAttributeNames = names },
            };
            var backoff = FirstBackoff;
            while (pending.Count > 0)
            {
                var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
                if (response.Responses is { } responses && responses.TryGetValue(table, out var found))
                {
                    items.AddRange(found);
                }

                pending = response.UnprocessedKeys is { Count: > 0 } left ? left : [];
                if (pending.Count > 0)
                {
                    // Back-off is a pause, not a time stamp: it waits on the system timer even under a test clock.
                    await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                    backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
                }
            }
        }

        return items;
    }
}
