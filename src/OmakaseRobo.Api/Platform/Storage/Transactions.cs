using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>Reading why DynamoDB cancelled a transaction: which of its items failed its condition.</summary>
public static class Transactions
{
    public static bool FailedCondition(this TransactionCanceledException exception, int index)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.CancellationReasons is { } reasons && index < reasons.Count && reasons[index].Code == "ConditionalCheckFailed";
    }
}
