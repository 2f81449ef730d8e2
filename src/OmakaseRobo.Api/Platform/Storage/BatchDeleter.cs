using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// Deletes keys 25 at a time with BatchWriteItem, resending UnprocessedItems with exponential back-off until none
/// are left, so a throttled batch is slowed down, never dropped.
/// </summary>
internal sealed class BatchDeleter(IAmazonDynamoDB dynamo)
{
    public const int BatchSize = 25;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public Task<int> DeleteAsync(string table, IEnumerable<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken) =>
        DeleteAsync(table, keys, concurrency: 1, cancellationToken);

    /// <summary>The same with up to <paramref name="concurrency"/> BatchWriteItem requests in flight at once.</summary>
    public async Task<int> DeleteAsync(string table, IEnumerable<Dictionary<string, AttributeValue>> keys, int concurrency, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await Parallel.ForEachAsync(
            keys.Chunk(BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
            async (chunk, token) =>
            {
                await DeleteBatchAsync(table, chunk, token).ConfigureAwait(false);
                Interlocked.Add(ref deleted, chunk.Length);
            }).ConfigureAwait(false);
        return deleted;
    }

    private async Task DeleteBatchAsync(string table, Dictionary<string, AttributeValue>[] chunk, CancellationToken cancellationToken)
    {
        var pending = new Dictionary<string, List<WriteRequest>>
        {
            [table] = [.. chunk.Select(key => new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } })],
        };
        var backoff = FirstBackoff;
        while (pending.Count > 0)
        {
            var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken).ConfigureAwait(false);
            pending = response.UnprocessedItems is { Count: > 0 } left ? left : [];
            if (pending.Count > 0)
            {
                // Back-off is a pause, not a time stamp: it waits on the system timer even under a test clock.
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
            }
        }
    }
}
