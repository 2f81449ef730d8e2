using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Storage;

internal static class StorageSetup
{
    /// <summary>Names the DynamoDB endpoint in local mode; the app starts DynamoDB Local when it is absent.</summary>
    public const string EndpointKey = "AWS_ENDPOINT_URL_DYNAMODB";

    /// <summary>
    /// The low-level DynamoDB client. In AWS it uses the function's role and region; locally it talks to
    /// DynamoDB Local with one fixed pair of dummy credentials (DynamoDB Local keeps a database per key).
    /// </summary>
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder, Runtime runtime, OmakaseOptions options)
    {
        if (runtime.InAws)
        {
            builder.Services.AddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient(new AmazonDynamoDBConfig
            {
                RegionEndpoint = RegionEndpoint.GetBySystemName(runtime.Region),
            }.Budgeted(options.Dependencies.DynamoDb)).Named(DependencyClients.DynamoDb));
            return builder;
        }

        var endpoint = builder.Configuration[EndpointKey];
        if (string.IsNullOrEmpty(endpoint))
        {
            // Started before the host is built, so tables and bootstrap can rely on it; stopped with the app.
            var local = LocalDynamoDb.StartAsync(
                LocalPaths.CacheDir(options.Local),
                options.Local.InMemory ? null : Path.Combine(LocalPaths.DataDir(options.Local), "dynamodb"),
                CancellationToken.None,
                LocalConsole.Line).GetAwaiter().GetResult();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => local.Dispose();
            endpoint = local.Endpoint.ToString();
        }

        builder.Services.AddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = Runtime.RequiredRegion }.Budgeted(options.Dependencies.DynamoDbLocal))
            .Named(DependencyClients.DynamoDb));
        builder.Services.AddHostedService<LocalTablesInitializer>();
        return builder;
    }
}

/// <summary>Creates the tables in local mode, idempotently, before the server takes requests.</summary>
internal sealed class LocalTablesInitializer(IAmazonDynamoDB dynamo, OmakaseOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LocalConsole.Line($"Creating the tables {options.Tables.Main} and {options.Tables.Audit} if they are missing ...");
        await TableSchema.EnsureCreatedAsync(dynamo, options.Tables.Main, options.Local.TimeToLive, cancellationToken).ConfigureAwait(false);
        await TableSchema.EnsureCreatedAsync(dynamo, options.Tables.Audit, options.Local.TimeToLive, cancellationToken).ConfigureAwait(false);
        LocalConsole.Line("Tables ready.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
