using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Sending a transaction, and reading why DynamoDB cancelled one: which of its items failed its condition.</summary>
internal static class Transactions
{
    /// <summary>
    /// One transaction; cancelled only by a concurrent transaction on the same items, it is sent again, three sends at
    /// most (nothing of a cancelled transaction was written, and its conditions are checked anew).
    /// </summary>
    public static async Task TransactWriteAsync(this IAmazonDynamoDB dynamo, List<TransactWriteItem> items, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TransactionCanceledException e) when (attempt < 3 && e.OnlyConflicted())
            {
                // another transaction held one of the items: send it again
            }
        }
    }

    public static bool FailedCondition(this TransactionCanceledException exception, int index)
    {
        return exception.CancellationReasons is { } reasons && index < reasons.Count && reasons[index].Code == "ConditionalCheckFailed";
    }

    /// <summary>Some item's condition failed (a state the change assumed is gone); throttling or conflicts alone are not that.</summary>
    public static bool AnyConditionFailed(this TransactionCanceledException exception)
    {
        return exception.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true;
    }

    /// <summary>No condition failed: a concurrent transaction on one of the items was the only reason, so trying again is right.</summary>
    public static bool OnlyConflicted(this TransactionCanceledException exception)
    {
        return exception.CancellationReasons is { Count: > 0 } reasons
            && reasons.Any(r => r.Code == "TransactionConflict")
            && reasons.All(r => r.Code is null or "None" or "TransactionConflict");
    }
}
