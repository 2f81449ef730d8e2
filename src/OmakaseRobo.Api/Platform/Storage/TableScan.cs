using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Whole-table reads for jobs, page by page (DynamoDB pages hold up to 1 MB), so memory stays flat on any table size.</summary>
internal static class TableScan
{
    /// <summary>Every item, strongly consistent, streamed one page at a time.</summary>
    public static async IAsyncEnumerable<Dictionary<string, AttributeValue>> ItemsAsync(
        IAmazonDynamoDB dynamo, string tableName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest
            {
                TableName = tableName,
                ConsistentRead = true,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items ?? [])
            {
                yield return item;
            }

            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    /// <summary>The exact number of items (a Scan with Select COUNT; the table's own ItemCount lags by hours).</summary>
    public static async Task<long> CountAsync(IAmazonDynamoDB dynamo, string tableName, CancellationToken cancellationToken)
    {
        long count = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest
            {
                TableName = tableName,
                Select = Select.COUNT,
                ConsistentRead = true,
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            count += page.Count ?? 0;
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return count;
    }
}
