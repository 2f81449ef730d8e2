using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// One DynamoDB Local (in memory) for the whole test run, started on first use and stopped when the run
/// ends; or the endpoint AWS_ENDPOINT_URL_DYNAMODB names, started by someone else.
/// </summary>
public static class SharedDynamoDb
{
    private static readonly Lazy<string> LazyEndpoint = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Endpoint => LazyEndpoint.Value;

    private static string Start()
    {
        var given = Environment.GetEnvironmentVariable(StorageSetup.EndpointKey);
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        var local = LocalDynamoDb.StartAsync(LocalPaths.CacheDir(new LocalOptions()), dataDir: null, CancellationToken.None)
            .GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => local.Dispose();
        return local.Endpoint.ToString();
    }
}
