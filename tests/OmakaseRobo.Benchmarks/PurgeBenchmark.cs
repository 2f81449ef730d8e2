using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging.Abstractions;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Platform.Retention;

/// <summary>
/// The purge-records job against a bare BatchWriteItem loop deleting the same keys, on DynamoDB Local:
///   dotnet run -c Release --project tests/OmakaseRobo.Benchmarks -- purge 50000 [rounds] [mixed|audit|sessions]
/// Seeds N expired records (mixed: half audit events in chains of 1 000 with their heads, 40 days old; half sessions
/// expired over the last 3 days), then deletes them with the bare loop (keys known in memory, 25 per request, unprocessed
/// items sent again) and with the job (which has to find them, re-check them and count them), each once with one
/// BatchWriteItem request at a time and once with the job's default concurrency, reseeding before every run. Reported:
/// rates, the managed heap's peak over its size before the run (sampled every 5 ms, garbage included), bytes allocated,
/// CPU seconds of DynamoDB Local and of this process; then, on runs of their own, the live heap's peak (a full collection
/// every 100 ms): the job's should not grow with N, the bare loop's holds its key list. The job starts from a cursor just before the seeded days, as a daily run would;
/// the first-run walk of 400 empty days is timed on its own. The tables have TTL off: DynamoDB Local 1.11 does delete
/// expired items (about 20 every 10 s), which would take items from under both contestants.
/// </summary>
internal static class PurgeBenchmark
{
    private const int ChainLength = 1000;
    private const int SeedWriters = 4;
    private const int SessionDays = 3;

    public static async Task RunAsync(IAmazonDynamoDB dynamo, Uri endpoint, int records, int rounds, string kind)
    {
        var options = new OmakaseOptions { Tables = { Main = "bench-purge-main", Audit = "bench-purge-audit" } };
        await dynamo.CreateTableAsync(TableSchema.CreateRequest(options.Tables.Main));
        await dynamo.CreateTableAsync(TableSchema.CreateRequest(options.Tables.Audit));
        var concurrency = options.Purge.DeleteConcurrency;
        var cursors = new PurgeCursorStore(dynamo, options);
        PurgeRecordsJob Job(int deleteConcurrency)
        {
            var jobOptions = new OmakaseOptions { Tables = options.Tables, Purge = { DeleteConcurrency = deleteConcurrency } };
            var pipeline = new DeletePipeline(new BatchDeleter(dynamo), jobOptions);
            return new PurgeRecordsJob(
                new AuditChainPurge(dynamo, new AuditPurgeLedger(dynamo, jobOptions), cursors, pipeline, jobOptions),
                new ExpiredItemsPurge(dynamo, new BatchReader(dynamo), cursors, pipeline, jobOptions),
                cursors, jobOptions, TimeProvider.System, NullLogger<PurgeRecordsJob>.Instance);
        }

        var now = DateTimeOffset.UtcNow;
        var chainDay = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-40);
        var data = new SeededData(options, records, kind, chainDay, now);
        var server = new ServerCpu(endpoint.Port);
        Console.WriteLine($"purge: {records} expired records, {kind}: {data.Events} audit events in {data.Chains} chains + their heads, {data.Sessions} sessions; "
            + $"{data.Keys} keys in all; page size {options.Purge.PageSize}; concurrent requests 1 and {concurrency}; {rounds} round(s)");

        await cursors.SaveAsync(PurgeCursor.Start(DateOnly.FromDateTime(now.UtcDateTime).AddDays(-400)), CancellationToken.None);
        var firstRun = Stopwatch.StartNew();
        var empty = await Job(concurrency).PurgeAsync(null, CancellationToken.None);
        Console.WriteLine($"first run on empty tables (400 days of both walks): {firstRun.Elapsed.TotalSeconds:0.00} s, deleted {empty.Deleted.Total}");

        var rates = new Dictionary<string, List<double>>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var streams in new[] { 1, concurrency })
            {
                await data.SeedAsync(dynamo);
                var keys = data.AllKeys().ToList();
                var bare = await Measure(server, async () =>
                {
                    foreach (var table in new[] { options.Tables.Audit, options.Tables.Main })
                    {
                        await new BatchDeleter(dynamo).DeleteAsync(table, keys.Where(k => k.Table == table).Select(k => k.Key), streams, CancellationToken.None);
                    }

                    return keys.Count;
                });
                keys.Clear();
                await data.ExpectStoredAsync(dynamo, 0);
                Report(rates, $"bare BatchWriteItem loop, {streams} request(s) at a time", round, bare, null);

                await data.SeedAsync(dynamo);
                await cursors.SaveAsync(data.DailyRunCursor(), CancellationToken.None);
                var job = Job(streams);
                PurgeReport? report = null;
                var purge = await Measure(server, async () =>
                {
                    report = await job.PurgeAsync(null, CancellationToken.None);
                    return (int)report.Deleted.Total;
                });
                await data.ExpectStoredAsync(dynamo, 0);
                if (!report!.Ok || purge.Deleted != data.Keys)
                {
                    throw new InvalidOperationException($"The job deleted {purge.Deleted} items, not {data.Keys} (ok: {report.Ok}, {report.Problem}).");
                }

                Report(rates, $"purge-records job, {streams} request(s) at a time", round, purge, bare);
            }
        }

        // Memory on its own runs: a full collection every 100 ms shows what is live, which the timed runs must not pay for.
        await data.SeedAsync(dynamo);
        var bareLive = await MeasureLive(async () =>
        {
            var keys = data.AllKeys().ToList();
            foreach (var table in new[] { options.Tables.Audit, options.Tables.Main })
            {
                await new BatchDeleter(dynamo).DeleteAsync(table, keys.Where(k => k.Table == table).Select(k => k.Key), concurrency, CancellationToken.None);
            }
        });
        await data.SeedAsync(dynamo);
        await cursors.SaveAsync(data.DailyRunCursor(), CancellationToken.None);
        var jobLive = await MeasureLive(() => Job(concurrency).PurgeAsync(null, CancellationToken.None));
        await data.ExpectStoredAsync(dynamo, 0);
        Console.WriteLine($"live managed heap peak over the start (full collection every 100 ms): bare loop holding its {data.Keys} keys +{Mb(bareLive)} MB, "
            + $"purge-records job +{Mb(jobLive)} MB");

        Console.WriteLine($"summary, {records} records, {kind}, mean of {rounds} round(s):");
        foreach (var (name, values) in rates)
        {
            Console.WriteLine($"  {name}: {values.Average():0}/s");
        }

        Console.WriteLine($"  process peak working set {Mb(Process.GetCurrentProcess().PeakWorkingSet64)} MB (seeding and key lists of the bare loop included)");
    }

    private static void Report(Dictionary<string, List<double>> rates, string name, int round, Measured run, Measured? bare)
    {
        var rate = run.Deleted / run.Seconds;
        (rates.TryGetValue(name, out var list) ? list : rates[name] = []).Add(rate);
        var ratio = bare is null ? string.Empty : $" ({rate / (bare.Deleted / bare.Seconds):0.00}x the bare loop)";
        Console.WriteLine($"round {round}: {name}: {run.Deleted} items in {run.Seconds:0.00} s = {rate:0}/s{ratio}; managed heap peak +{Mb(run.PeakHeap)} MB, "
            + $"{Mb(run.Allocated)} MB allocated; CPU s: DynamoDB Local {run.ServerCpu:0.00}, this process {run.ClientCpu:0.00}");
    }

    private sealed record Measured(int Deleted, double Seconds, long PeakHeap, long Allocated, double ServerCpu, double ClientCpu);

    /// <summary>Times a run; samples the managed heap every 5 ms and reports its peak over its size after a full collection before the run.</summary>
    private static async Task<Measured> Measure(ServerCpu server, Func<Task<int>> run)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var heap = GC.GetTotalMemory(forceFullCollection: false);
                if (heap > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, heap);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5));
            }
        });
        var serverBefore = server.Seconds();
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var watch = Stopwatch.StartNew();
        var deleted = await run();
        var seconds = watch.Elapsed.TotalSeconds;
        var serverCpu = server.Seconds() - serverBefore;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - clientBefore;
        await stop.CancelAsync();
        await sampler;
        return new Measured(deleted, seconds, Interlocked.Read(ref peak) - baseline, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, serverCpu, clientCpu);
    }

    private static async Task<long> MeasureLive(Func<Task> run)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        });
        await run();
        await stop.CancelAsync();
        await sampler;
        return peak - baseline;
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>CPU seconds used so far by the DynamoDB Local this benchmark started (the java process listening on its port).</summary>
    private sealed class ServerCpu(int port)
    {
        private readonly string? statPath = Directory.EnumerateDirectories("/proc")
            .Where(dir => int.TryParse(Path.GetFileName(dir), out _))
            .FirstOrDefault(dir => ReadOrEmpty(Path.Combine(dir, "cmdline")).Replace('\0', ' ') is var cmd
                && cmd.StartsWith("java ", StringComparison.Ordinal) && cmd.Contains($"-port {port} ", StringComparison.Ordinal)) is { } found
            ? Path.Combine(found, "stat")
            : null;

        public double Seconds()
        {
            // Fields 14 and 15 of /proc/<pid>/stat (after the command in parentheses): user and system time in clock ticks.
            var fields = ReadOrEmpty(statPath).Split(')').Last().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 12
                ? (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0
                : double.NaN;
        }

        private static string ReadOrEmpty(string? path)
        {
            try
            {
                return path is null ? string.Empty : File.ReadAllText(path);
            }
            catch (IOException)
            {
                return string.Empty;
            }
        }
    }

    /// <summary>The expired records, written the way the stores write them (audit events by AuditStore's own mapping).</summary>
    private sealed class SeededData(OmakaseOptions options, int records, string kind, DateOnly chainDay, DateTimeOffset now)
    {
        public int Events { get; } = (kind switch { "audit" => records, "sessions" => 0, _ => records / 2 }) / ChainLength * ChainLength;

        public int Chains => Events / ChainLength;

        public int Sessions => kind == "audit" ? 0 : records - Events;

        public int Keys => Events + Chains + Sessions;

        /// <summary>
        /// Where a daily run starts: each walk just before its own seeded days (the audit walk the day before the chains,
        /// the expiry walk the day before the oldest session's expiry), and the ledger copy where yesterday's run left it.
        /// </summary>
        public PurgeCursor DailyRunCursor()
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            return new PurgeCursor(AuditFrom: chainDay.AddDays(-1), LedgerFrom: today.AddDays(-2), ExpiriesFrom: today.AddDays(-SessionDays - 1));
        }

        public IEnumerable<(string Table, Dictionary<string, AttributeValue> Key)> AllKeys() =>
            Items().Select(i => (i.Table, Attr.Key(i.Item[TableSchema.PartitionKey].S, i.Item[TableSchema.SortKey].S)));

        public async Task SeedAsync(IAmazonDynamoDB dynamo)
        {
            var batches = Items().GroupBy(i => i.Table).SelectMany(g => g.Select(i => i.Item).Chunk(25).Select(chunk => (Table: g.Key, Chunk: chunk)));
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SeedWriters }, async (batch, token) =>
            {
                var pending = new Dictionary<string, List<WriteRequest>> { [batch.Table] = [.. batch.Chunk.Select(i => new WriteRequest { PutRequest = new PutRequest { Item = i } })] };
                while (pending.Count > 0)
                {
                    var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, token);
                    pending = response.UnprocessedItems is { Count: > 0 } left ? left : [];
                }
            });
            await ExpectStoredAsync(dynamo, Keys);
        }

        /// <summary>Every seeded item there, or none of them: nothing but the contestant adds or removes items.</summary>
        public async Task ExpectStoredAsync(IAmazonDynamoDB dynamo, long expected)
        {
            var stored = await TableScan.CountAsync(dynamo, options.Tables.Audit, CancellationToken.None)
                + await TableScan.CountAsync(dynamo, options.Tables.Main, CancellationToken.None) - 1; // the job's cursor
            if (stored != expected)
            {
                throw new InvalidOperationException($"{stored} seeded items stored, not {expected}.");
            }
        }

        private IEnumerable<(string Table, Dictionary<string, AttributeValue> Item)> Items()
        {
            var details = new Dictionary<string, string> { ["method"] = "GET", ["route"] = "/v1/me", ["status"] = "200", ["latencyMs"] = "1.234" };
            for (var c = 0; c < Chains; c++)
            {
                var chain = new AuditChain($"t_bench{c:D6}", chainDay);
                for (var seq = 1; seq <= ChainLength; seq++)
                {
                    yield return (options.Tables.Audit, AuditItemMapping.EventToItem(new StoredEvent(
                        chain, seq, chain.EventId(seq), AuditChain.FormatTime(now.AddDays(-40)), AuditCategory.All[seq % AuditCategory.All.Length],
                        "u_bench", "GET /v1/me", "/v1/me", "success", "203.0.113.7", "bench/1.0", details, new string('0', 64), new string('1', 64))));
                }

                var head = AuditStore.HeadKey(chain);
                head["type"] = Attr.S("audit-chain");
                head["tenantId"] = Attr.S(chain.TenantId);
                head["day"] = Attr.S(chain.DayText);
                head["seq"] = Attr.N(ChainLength);
                head["hash"] = Attr.S(new string('1', 64));
                head["checkpointedSeq"] = Attr.N(0);
                head[TableSchema.Index1PartitionKey] = Attr.S(AuditItems.ChainHead.DayIndex(chain.DayText));
                head[TableSchema.Index1SortKey] = Attr.S(chain.TenantId);
                head[TableSchema.TimeToLive] = AuditStore.Expiry(chain);
                yield return (options.Tables.Audit, head);
            }

            for (var s = 0; s < Sessions; s++)
            {
                var tenant = $"t_bench{s % 100:D6}";
                var user = $"u_bench{s % 1000:D6}";
                var item = Attr.Key($"SESSION#{s:D64}", "#SESSION");
                item["type"] = Attr.S("session");
                item["sessionId"] = Attr.S($"s_bench{s:D8}");
                item["tenantId"] = Attr.S(tenant);
                item["userId"] = Attr.S(user);
                item["stamp"] = Attr.S("bench-stamp-0123456789");
                item["createdAt"] = Attr.N(now.AddDays(-3).ToUnixTimeMilliseconds());
                item["lastSeenAt"] = Attr.N(now.AddDays(-3).ToUnixTimeMilliseconds());
                var expiresAt = now.AddMinutes(-1 - (s % (SessionDays * 24 * 60)));
                item["absoluteExpiresAt"] = Attr.N(expiresAt.ToUnixTimeMilliseconds());
                item[TableSchema.Index1PartitionKey] = Attr.S($"SESSIONS#{tenant}#{user}");
                item[TableSchema.Index1SortKey] = Attr.S($"s_bench{s:D8}");
                ExpiryIndex.Stamp(item, expiresAt);
                yield return (options.Tables.Main, item);
            }
        }
    }
}
