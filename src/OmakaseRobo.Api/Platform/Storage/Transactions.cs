using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Reading why DynamoDB cancelled a transaction: which of its items failed its condition.</summary>
internal static class Transactions
{
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
