using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Auditing;

/// <summary>A change and its audit record (<see cref="PendingAudit.Write"/>) in one transaction: both commit or neither.</summary>
internal static class AuditedWrites
{
    public static async Task CommitAsync(this IAmazonDynamoDB dynamo, IEnumerable<TransactWriteItem> change, PendingAudit record, CancellationToken cancellationToken)
    {
        // The record's id as the idempotency token: an SDK retry of a commit whose first attempt succeeded unseen is
        // not applied twice (which would queue the record twice).
        await dynamo.TransactWriteItemsAsync(
            new TransactWriteItemsRequest { TransactItems = [.. change, record.Write], ClientRequestToken = record.OutboxId }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For a change that was one conditional write: false when its condition failed (nothing was written).</summary>
    public static async Task<bool> TryCommitAsync(this IAmazonDynamoDB dynamo, TransactWriteItem change, PendingAudit record, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.CommitAsync([change], record, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return false;
        }
    }
}
