using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// The whole app in memory over HTTP, on DynamoDB Local with tables of its own, a fake clock and captured
/// logs. Settings can be added before the first client is made.
/// </summary>
public sealed class OmakaseApp : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private readonly string tablePrefix = $"t{Guid.NewGuid():N}"[..13];
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "omakase-tests", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Clock { get; } = new(Start);

    public CapturedLogs Logs { get; } = new();

    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>The bootstrap operator once signed in (see Scenario.OperatorAsync).</summary>
    internal SignedIn? Operator { get; set; }

    internal SemaphoreSlim OperatorGate { get; } = new(1, 1);

    public string MainTable => $"{tablePrefix}-main";

    public string AuditTable => $"{tablePrefix}-audit";

    /// <summary>A client of the same DynamoDB Local, to look at or tamper with what the app stored.</summary>
    public static IAmazonDynamoDB Dynamo() => new AmazonDynamoDBClient(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = SharedDynamoDb.Endpoint, AuthenticationRegion = "ap-northeast-1" });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(StorageSetup.EndpointKey, SharedDynamoDb.Endpoint);
        builder.UseSetting("Omakase:Tables:Main", MainTable);
        builder.UseSetting("Omakase:Tables:Audit", AuditTable);
        builder.UseSetting("Omakase:Local:DataDir", dataDir);
        builder.UseSetting("Omakase:Security:BcryptCost", "10");
        // DynamoDB Local's TTL sweeper deletes expired items by the real clock; the tests' clock is fake.
        builder.UseSetting("Omakase:Local:TimeToLive", "false");
        builder.UseSetting("Omakase:Bootstrap:OperatorEmail", TestUsers.OperatorEmail);
        builder.UseSetting("Omakase:Bootstrap:OperatorPassword", TestUsers.OperatorPassword);
        // Tests run many apps at once on a shared box: give storage patience; the reliability tests set tight budgets.
        builder.UseSetting("Omakase:Dependencies:DynamoDbLocal:AttemptTimeout", "00:00:30");
        builder.UseSetting("Omakase:Dependencies:RequestBudget", "00:01:00");
        builder.UseSetting("Omakase:Webhooks:InlineBudget", "00:00:10");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}
