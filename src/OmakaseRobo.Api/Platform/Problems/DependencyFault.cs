using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>
/// A failing dependency, read from an exception: throttling, a 5xx, a timeout or a connection failure of DynamoDB,
/// KMS or SSM, or the request's own time budget running out. These answer 503 storage-unavailable; anything else
/// (a malformed request to AWS is a bug) stays a 500.
/// </summary>
internal sealed record DependencyFault(string Dependency, string Code)
{
    public const string RequestBudget = "request-budget";

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "LimitExceededException",
        "InternalServerError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException", "TransactionInProgressException",
        "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException", "InternalServerErrorException",
    };

    private static readonly HashSet<string> TransientReasons = new(StringComparer.Ordinal)
    {
        "ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict", "RequestLimitExceeded",
    };

    /// <summary>Null when the exception is not a dependency's fault.</summary>
    public static DependencyFault? Of(Exception exception, bool budgetSpent)
    {
        string? dependency = null;
        for (var e = exception; e is not null && dependency is null; e = e.InnerException)
        {
            dependency = e.Data[DependencyClients.DependencyKey] as string;
        }

        if (exception is OperationCanceledException && budgetSpent)
        {
            return new DependencyFault(dependency ?? RequestBudget, "Timeout");
        }

        return exception switch
        {
            BadHttpRequestException => null, // an IOException too, but the client's fault
            TransactionCanceledException cancelled => cancelled.CancellationReasons is { Count: > 0 } reasons
                && reasons.Any(r => r.Code is not null && TransientReasons.Contains(r.Code))
                && reasons.All(r => r.Code is null or "None" || TransientReasons.Contains(r.Code))
                    ? new DependencyFault(dependency ?? DependencyClients.DynamoDb, reasons.First(r => TransientReasons.Contains(r.Code ?? string.Empty)).Code)
                    : null,
            AmazonServiceException service when IsTransient(service) =>
                new DependencyFault(dependency ?? DependencyOf(service), service.ErrorCode ?? $"HTTP{(int)service.StatusCode}"),
            AmazonServiceException => null,
            AmazonClientException or HttpRequestException or IOException or SocketException or TimeoutException =>
                new DependencyFault(dependency ?? "network", CodeOf(exception)),
            OperationCanceledException when dependency is not null => new DependencyFault(dependency, "Timeout"),
            _ => null,
        };
    }

    private static bool IsTransient(AmazonServiceException service) =>
        (int)service.StatusCode >= 500 || (int)service.StatusCode == 429
        || (service.ErrorCode is { } code && TransientCodes.Contains(code))
        || service.InnerException is HttpRequestException or IOException or SocketException or OperationCanceledException or TimeoutException;

    private static string DependencyOf(AmazonServiceException service) => service.GetType().Namespace switch
    {
        "Amazon.DynamoDBv2.Model" => DependencyClients.DynamoDb,
        "Amazon.KeyManagementService.Model" => DependencyClients.Kms,
        "Amazon.SimpleSystemsManagement.Model" => DependencyClients.Ssm,
        _ => "aws",
    };

    /// <summary>The most telling code of a client-side failure: the socket error when there is one.</summary>
    private static string CodeOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode.ToString();
                case TimeoutException or OperationCanceledException:
                    return "Timeout";
            }
        }

        return exception.GetType().Name;
    }
}
