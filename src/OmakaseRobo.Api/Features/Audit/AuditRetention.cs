using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// Keeping whole chains past their 30 days (16.1.7 legal hold): a held chain's head and every item of its partition
/// lose their ttl, so neither DynamoDB TTL nor the purge job removes them, and the chain stays verifiable. The head
/// goes first when holding (the purge job skips a chain whose head has no ttl) and last when releasing.
/// </summary>
internal sealed class AuditRetention(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private string Table => options.Tables.Audit;

    /// <summary>Removes the ttl of the chain's head and of every item still carrying one; answers the items changed.</summary>
    public async Task<int> HoldAsync(AuditChain chain, CancellationToken cancellationToken)
    {
        var changed = await RemoveExpiryAsync(AuditStore.HeadKey(chain), cancellationToken).ConfigureAwait(false) ? 1 : 0;
        await foreach (var key in KeysAsync(chain, onlyWithExpiry: true, cancellationToken).ConfigureAwait(false))
        {
            changed += await RemoveExpiryAsync(key, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return changed;
    }

    /// <summary>Gives every item of the chain its ttl back (end of its day + 30 days), the head last.</summary>
    public async Task ReleaseAsync(AuditChain chain, CancellationToken cancellationToken)
    {
        await foreach (var key in KeysAsync(chain, onlyWithExpiry: false, cancellationToken).ConfigureAwait(false))
        {
            await SetExpiryAsync(key, chain, cancellationToken).ConfigureAwait(false);
        }

        await SetExpiryAsync(AuditStore.HeadKey(chain), chain, cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> KeysAsync(
        AuditChain chain, bool onlyWithExpiry, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(AuditStore.ChainPartition(chain)) },
            ProjectionExpression = "pk, sk",
            FilterExpression = onlyWithExpiry ? "attribute_exists(#ttl)" : null,
            ExpressionAttributeNames = onlyWithExpiry ? new() { ["#ttl"] = TableSchema.TimeToLive } : null,
        };
        await foreach (var item in dynamo.QueryItemsAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return Attr.Key(item.RequireS(TableSchema.PartitionKey), item.RequireS(TableSchema.SortKey));
        }
    }

    private async Task<bool> RemoveExpiryAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = key,
                UpdateExpression = "REMOVE #ttl",
                ConditionExpression = "attribute_exists(pk) AND attribute_exists(#ttl)",
                ExpressionAttributeNames = new() { ["#ttl"] = TableSchema.TimeToLive },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false; // already held, or gone
        }
    }

    private async Task SetExpiryAsync(Dictionary<string, AttributeValue> key, AuditChain chain, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = key,
                UpdateExpression = "SET #ttl = :ttl",
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeNames = new() { ["#ttl"] = TableSchema.TimeToLive },
                ExpressionAttributeValues = new() { [":ttl"] = AuditStore.Expiry(chain) },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // gone meanwhile: nothing to release
        }
    }
}
