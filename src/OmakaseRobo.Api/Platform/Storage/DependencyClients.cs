using Amazon.Runtime;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// Gives every AWS client its time budget and names it on its failures, so a fault answers 503 with the
/// dependency it came from (see Problems.DependencyFault).
/// </summary>
internal static class DependencyClients
{
    /// <summary>The key under which a failure's Exception.Data names the dependency.</summary>
    public const string DependencyKey = "omakase.dependency";

    public const string DynamoDb = "dynamodb";
    public const string Kms = "kms";
    public const string Ssm = "ssm";

    public static T Budgeted<T>(this T config, DependencyBudget budget)
        where T : ClientConfig
    {
        config.ConnectTimeout = budget.ConnectTimeout;
        config.Timeout = budget.AttemptTimeout; // per attempt: the SDK sets it on its HttpClient
        config.RetryMode = RequestRetryMode.Standard; // exponential back-off with full jitter, and a retry quota
        config.MaxErrorRetry = Math.Max(0, budget.MaxAttempts - 1);
        return config;
    }

    /// <summary>Marks every exception the client raises with the dependency's name.</summary>
    public static T Named<T>(this T client, string dependency)
        where T : AmazonServiceClient
    {
        client.ExceptionEvent += (_, args) =>
        {
            if (args is WebServiceExceptionEventArgs { Exception: { } exception })
            {
                exception.Data[DependencyKey] = dependency;
            }
        };
        return client;
    }
}
