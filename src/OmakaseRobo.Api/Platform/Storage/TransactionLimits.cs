using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>How many items one TransactWriteItems may carry: 100 in DynamoDB, 10 in DynamoDB Local 1.11 (local runs, tests).</summary>
internal static class TransactionLimits
{
    public static int MaxItems(Runtime runtime)
    {
        return runtime.InAws ? 100 : 10;
    }
}
