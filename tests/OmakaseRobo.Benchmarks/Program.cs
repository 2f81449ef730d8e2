using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;

if (args is ["bcrypt", ..])
{
    BareBcrypt.Run(args);
    return;
}

// What the audit trail costs under load, against DynamoDB Local (started here, in memory):
//   dotnet run -c Release --project tests/OmakaseRobo.Benchmarks [-- seconds]
// The purge-records job against a bare BatchWriteItem loop (see PurgeBenchmark.cs):
//   dotnet run -c Release --project tests/OmakaseRobo.Benchmarks -- purge 50000 [rounds] [mixed|audit|sessions]
using var local = await LocalDynamoDb.StartAsync(LocalPaths.CacheDir(new LocalOptions()), dataDir: null, CancellationToken.None);
using var dynamo = new AmazonDynamoDBClient(
    new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = local.Endpoint.ToString(), AuthenticationRegion = "ap-northeast-1" });
if (args is ["purge", var count, .. var rest])
{
    await PurgeBenchmark.RunAsync(
        dynamo, local.Endpoint, int.Parse(count, CultureInfo.InvariantCulture),
        rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 2, rest.Length > 1 ? rest[1] : "mixed");
    return;
}

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
const int Writers = 32;

var options = new OmakaseOptions { Tables = { Audit = "bench-audit" } };
await TableSchema.EnsureCreatedAsync(dynamo, options.Tables.Audit, timeToLive: false, CancellationToken.None);
var store = new AuditStore(dynamo, options, new Runtime(InAws: false, Region: null, FunctionName: null));
var outbox = new AuditOutboxStore(dynamo, options);
var trail = new AuditTrail(store, outbox, TimeProvider.System, NullLogger<AuditTrail>.Instance);
Console.WriteLine($"DynamoDB Local at {local.Endpoint}; {Writers} writers, {seconds} s per run, {store.MaxEventsPerAppend} events per transaction at most");

await Report("one writer, one tenant (the round trip a synchronous append costs)", 1, _ => "t_bench_solo");
await Baseline();
await Report($"{Writers} writers, each in its own tenant", Writers, w => $"t_bench_spread_{w}");
await Report($"{Writers} writers, all in one tenant", Writers, _ => "t_bench_shared");
await MeasureQueuedAccessRecords($"access records, {Writers} paced requests in 8 tenants", TimeSpan.FromMilliseconds(20), seconds * 40);
await MeasureQueuedAccessRecords($"access records, {Writers} saturating requests in 8 tenants", TimeSpan.Zero, 2000);
await MeasureVerification();

// The engine alone: the same writers doing bare two-item transactions (an event and a head, distinct partitions), no audit code.
async Task Baseline()
{
    var deadline = Stopwatch.StartNew();
    var counts = new int[Writers];
    await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
    {
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var n = ++counts[w];
            await dynamo.TransactWriteItemsAsync(new Amazon.DynamoDBv2.Model.TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new() { Put = new() { TableName = options.Tables.Audit, Item = Attr.Key($"BASE#{w}", $"E#{n:D10}") } },
                    new() { Put = new() { TableName = options.Tables.Audit, Item = Attr.Key($"BASE-HEAD#{w}", "HEAD") } },
                ],
            });
        }
    })));
    Console.WriteLine($"baseline, DynamoDB Local alone, {Writers} writers of 2-item transactions: {counts.Sum() / deadline.Elapsed.TotalSeconds:0} transactions/s");
}

// Appends as fast as the writers can for the given time; each writer waits for its append to be stored before the next.
async Task Report(string title, int writers, Func<int, string> tenantOf)
{
    var deadline = Stopwatch.StartNew();
    var latencies = new List<double>[writers];
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        latencies[w] = [];
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var started = Stopwatch.GetTimestamp();
            await trail.WriteAsync(Event(tenantOf(w), AuditCategory.Operation), CancellationToken.None);
            latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    })));
    var all = latencies.SelectMany(l => l).Order().ToList();
    Console.WriteLine($"{title}: {all.Count / deadline.Elapsed.TotalSeconds:0} appends/s; per append p50 {Percentile(all, 0.5):0.0} ms, p99 {Percentile(all, 0.99):0.0} ms");
}

// What the access record adds to a request: its outbox item, written before the response, then queued (the append to the
// chain happens behind, in order, in batches). Paced, the requests offer less than the drain can store; saturated, they
// offer all they can and meet the full queue's back-pressure.
async Task MeasureQueuedAccessRecords(string title, TimeSpan pause, int perWriter)
{
    var buffer = new AuditBuffer(trail, outbox, TimeProvider.System, options, NullLogger<AuditBuffer>.Instance);
    await buffer.StartAsync(CancellationToken.None);
    var costs = new List<double>[Writers];
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
    {
        costs[w] = [];
        for (var i = 0; i < perWriter; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var pending = trail.Stage(Event($"t_bench_access_{w % 8}", AuditCategory.Access));
            await outbox.PutAsync([pending], CancellationToken.None);
            await buffer.AppendLaterAsync(pending);
            costs[w].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause); // the rest of the request
            }
        }
    })));
    var queued = clock.Elapsed;
    await buffer.FlushAsync(CancellationToken.None);
    await buffer.StopAsync(CancellationToken.None);
    var all = costs.SelectMany(c => c).Order().ToList();
    Console.WriteLine(
        $"{title}: {all.Count} records offered at {all.Count / queued.TotalSeconds:0}/s; added per request p50 {Percentile(all, 0.5):0.0} µs, "
        + $"p99 {Percentile(all, 0.99):0.0} µs, max {all[^1]:0} µs; all stored {clock.Elapsed.TotalSeconds:0.0} s after the first "
        + $"({all.Count / clock.Elapsed.TotalSeconds:0} records/s end to end)");
}

async Task MeasureVerification()
{
    using var signer = new LocalAuditSigner(Path.Combine(Path.GetTempPath(), $"bench-signing-{Guid.NewGuid():N}.key"));
    var checkpoints = new AuditCheckpointStore(dynamo, options);
    var integrity = new AuditIntegrityService(store, checkpoints, signer, trail, TimeProvider.System, NullLogger<AuditIntegrityService>.Instance);
    var started = Stopwatch.StartNew();
    var signed = await integrity.CheckpointAsync(CancellationToken.None);
    var checkpointTime = started.Elapsed;
    started.Restart();
    var verification = await integrity.VerifyAsync(null, null, null, requestedBy: null, CancellationToken.None);
    Console.WriteLine(
        $"checkpoint: {signed.ChainsSigned} chains signed in {checkpointTime.TotalSeconds:0.00} s; verification: intact={verification.Intact}, "
        + $"{verification.CheckedEvents} events in {started.Elapsed.TotalSeconds:0.0} s = {verification.CheckedEvents / started.Elapsed.TotalSeconds:0} events/s");
}

static AuditEvent Event(string tenantId, string category) => new(
    category, tenantId, "u_bench", "bench.append", "/v1/bench", "success", "203.0.113.7", "bench/1.0",
    new Dictionary<string, string> { ["method"] = "GET", ["route"] = "/v1/bench", ["status"] = "200", ["latencyMs"] = "1.234" });

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
