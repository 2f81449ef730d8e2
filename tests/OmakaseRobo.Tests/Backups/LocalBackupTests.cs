using System.Diagnostics;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Platform.Storage;
using Xunit.Abstractions;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Backups;

/// <summary>Local mode's own daily backup, its verification and the restore test into DynamoDB Local, end to end.</summary>
public sealed class LocalBackupTests(ITestOutputHelper output) : IDisposable
{
    private readonly OmakaseApp app = new();
    private readonly IAmazonDynamoDB dynamo = OmakaseApp.Dynamo();

    private VerifyBackupsJob Job => Service<VerifyBackupsJob>();

    private IBackupVerifier Verifier => Service<IBackupVerifier>();

    private LocalBackups Backups => Service<LocalBackups>();

    private LocalBackupFiles Files => Service<LocalBackupFiles>();

    [Fact]
    public async Task The_job_backs_up_every_table_and_proves_it_restorable_in_a_scratch_table()
    {
        await SeedAsync(300); // about 1.2 MB: the backup and the counts read more than one page

        var timer = Stopwatch.StartNew();
        await Backups.TakeDailyAsync(CancellationToken.None);
        var backupTime = timer.Elapsed;
        timer.Restart();
        var report = await Job.RunAsync(CancellationToken.None); // reuses today's backup: this is the verification
        output.WriteLine($"local backup: {backupTime.TotalMilliseconds:0} ms; verify-backups run (integrity, restore tests): {timer.Elapsed.TotalMilliseconds:0} ms");

        Assert.True(report.Ok, string.Join("\n", report.Failures()));
        Assert.Equal(BackupReport.Local, report.Mode);
        Assert.Equal([app.MainTable, app.AuditTable], report.Tables.Select(t => t.Table));
        foreach (var table in report.Tables)
        {
            Assert.All(table.Checks, c => Assert.True(c.Passed, c.Reason));
            Assert.Equal(app.Clock.GetUtcNow(), table.NewestBackupAt);
            var restore = table.RestoreTest!;
            Assert.Equal(RestoreTestResult.Passed, restore.Status);
            Assert.True(restore.CanaryFound);
            Assert.Equal(restore.ExpectedItems, restore.RestoredItems);
            Assert.StartsWith($"restore-test-{table.Table}-", restore.ScratchTable, StringComparison.Ordinal);
        }

        Assert.True(report.Tables[0].RestoreTest!.RestoredItems > 300);
        Assert.Empty(await ScratchTablesLeftAsync());
        var line = LogLine("backup verification succeeded"); // the prefix the alarms' metric filters match (infra Alarms.cs)
        Assert.Equal("Information", line.GetProperty("level").GetString());
        var audit = await AuditEventsAsync();
        Assert.Equal("success", audit.Single().GetS("outcome"));
        Assert.Equal("system", audit.Single().GetS("category"));
    }

    [Fact]
    public async Task Backup_files_are_sealed_and_readable_by_their_owner_only()
    {
        var taken = await Backups.TakeDailyAsync(CancellationToken.None);

        var file = Path.Combine(Files.Folder, taken[0].DataFile);
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal("OMKE"u8.ToArray(), bytes[..4]);
        Assert.DoesNotContain("CANARY"u8.ToArray(), Windows(bytes, 6));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(64, taken[0].Sha256.Length);
    }

    [Fact]
    public async Task A_backup_file_with_one_byte_changed_fails_verification_with_a_clear_reason()
    {
        var taken = await Backups.TakeDailyAsync(CancellationToken.None);
        var file = Path.Combine(Files.Folder, taken[0].DataFile);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);

        var report = await Job.RunAsync(CancellationToken.None);

        Assert.False(report.Ok);
        var main = report.Tables.Single(t => t.Table == app.MainTable);
        var integrity = main.Checks.Single(c => c.Name == BackupCheck.Integrity);
        Assert.False(integrity.Passed);
        Assert.Contains($"{taken[0].DataFile} does not decrypt", integrity.Reason, StringComparison.Ordinal);
        Assert.Equal(RestoreTestResult.Failed, main.RestoreTest!.Status);
        Assert.Contains("fails its integrity check", main.RestoreTest.Reason, StringComparison.Ordinal);
        Assert.True(report.Tables.Single(t => t.Table == app.AuditTable).Ok);

        var line = LogLine("backup verification failed"); // the prefix the alarms' metric filters match (infra Alarms.cs)
        Assert.Equal("Error", line.GetProperty("level").GetString());
        Assert.Contains("does not decrypt", line.GetProperty("message").GetString(), StringComparison.Ordinal);
        var audit = (await AuditEventsAsync()).Single();
        Assert.Equal("failure", audit.GetS("outcome"));
        Assert.Equal("backup.verify", audit.GetS("action"));
        Assert.Contains("does not decrypt", audit["details"].M[app.MainTable].S, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_that_does_not_match_its_file_fails_verification()
    {
        var taken = await Backups.TakeDailyAsync(CancellationToken.None);
        var manifest = Path.Combine(Files.Folder, LocalBackupFiles.ManifestFileName(taken[1].Table, taken[1].TakenAt));
        var text = await File.ReadAllTextAsync(manifest);
        await File.WriteAllTextAsync(manifest, text.Replace($"\"itemCount\":{taken[1].ItemCount}", $"\"itemCount\":{taken[1].ItemCount + 1}", StringComparison.Ordinal));

        var report = await Verifier.VerifyAsync(CancellationToken.None);

        var integrity = report.Tables.Single(t => t.Table == app.AuditTable).Checks.Single(c => c.Name == BackupCheck.Integrity);
        Assert.False(integrity.Passed);
        Assert.Contains($"holds {taken[1].ItemCount} items, its manifest {taken[1].ItemCount + 1}", integrity.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backup_older_than_26_hours_fails_as_no_recent_backup_until_a_new_one_is_taken()
    {
        await Backups.TakeDailyAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromHours(27));

        var stale = await Verifier.VerifyAsync(CancellationToken.None);

        Assert.False(stale.Ok);
        var recent = stale.Tables[0].Checks.Single(c => c.Name == BackupCheck.RecentBackup);
        Assert.False(recent.Passed);
        Assert.StartsWith("no recent backup", recent.Reason, StringComparison.Ordinal);

        await Backups.TakeDailyAsync(CancellationToken.None);
        var fresh = await Verifier.VerifyAsync(CancellationToken.None);

        Assert.True(fresh.Ok, string.Join("\n", fresh.Failures()));
    }

    [Fact]
    public async Task One_backup_a_day_is_taken_and_reused_by_later_runs_that_day()
    {
        var first = await Backups.TakeDailyAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromHours(5));
        var second = await Backups.TakeDailyAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromHours(20));
        var nextDay = await Backups.TakeDailyAsync(CancellationToken.None);

        Assert.Equal(first, second);
        Assert.NotEqual(first[0].DataFile, nextDay[0].DataFile);
        Assert.Equal(2, Files.List(app.MainTable).Backups.Count);
    }

    [Fact]
    public async Task Backups_past_the_30_day_retention_fail_verification_and_are_deleted_by_the_job()
    {
        var old = await Backups.TakeDailyAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(15));
        var middle = await Backups.TakeDailyAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(16));

        var before = await Verifier.VerifyAsync(CancellationToken.None);

        var retention = before.Tables[0].Checks.Single(c => c.Name == BackupCheck.Retention);
        Assert.False(retention.Passed);
        Assert.Contains("1 backups older than 30 days", retention.Reason, StringComparison.Ordinal);

        var after = await Job.RunAsync(CancellationToken.None);

        Assert.True(after.Ok, string.Join("\n", after.Failures()));
        Assert.False(File.Exists(Path.Combine(Files.Folder, old[0].DataFile)));
        Assert.False(File.Exists(Path.Combine(Files.Folder, LocalBackupFiles.ManifestFileName(old[0].Table, old[0].TakenAt))));
        Assert.True(File.Exists(Path.Combine(Files.Folder, middle[0].DataFile)));
        Assert.Equal(2, Files.List(app.MainTable).Backups.Count);
    }

    [Fact]
    public async Task The_restore_test_runs_again_only_when_due()
    {
        var first = await Job.RunAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await Job.RunAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(6));
        var nextWeek = await Job.RunAsync(CancellationToken.None);

        Assert.Equal(RestoreTestResult.Passed, first.Tables[0].RestoreTest!.Status);
        Assert.True(nextDay.Ok);
        Assert.Equal(RestoreTestResult.NotDue, nextDay.Tables[0].RestoreTest!.Status);
        Assert.Equal(RestoreTestResult.Passed, nextWeek.Tables[0].RestoreTest!.Status);
        Assert.Equal(app.Clock.GetUtcNow(), nextWeek.Tables[0].RestoreTest!.LastPassedAt);
    }

    [Fact]
    public async Task The_scratch_table_is_deleted_even_when_the_restore_fails()
    {
        // Readable and intact, yet not restorable: gsi1pk is a string key attribute of the index, here a number.
        var bad = Attr.Key("TENANT#t_bad", "#TENANT");
        bad[TableSchema.Index1PartitionKey] = Attr.N(7);
        bad[TableSchema.Index1SortKey] = Attr.S("x");
        await Files.WriteAsync(app.MainTable, app.Clock.GetUtcNow(), Items(bad), app.Clock.GetUtcNow(), CancellationToken.None);
        await Files.WriteAsync(app.AuditTable, app.Clock.GetUtcNow(), Items(Attr.Key("AUDIT#x", "1")), app.Clock.GetUtcNow(), CancellationToken.None);

        var report = await Verifier.VerifyAsync(CancellationToken.None);

        var restore = report.Tables.Single(t => t.Table == app.MainTable).RestoreTest!;
        Assert.Equal(RestoreTestResult.Failed, restore.Status);
        Assert.Contains("DynamoDB refused the restore", restore.Reason, StringComparison.Ordinal);
        Assert.Contains("canary", report.Tables.Single(t => t.Table == app.AuditTable).RestoreTest!.Reason, StringComparison.Ordinal);
        Assert.True(report.Tables.All(t => t.Checks.Single(c => c.Name == BackupCheck.Integrity).Passed));
        Assert.Empty(await ScratchTablesLeftAsync());
    }

    [Fact]
    public async Task A_scratch_table_left_by_a_crashed_run_is_removed_by_the_next_restore_test()
    {
        var leftover = ScratchTables.Name("restore-test-", app.MainTable, app.Clock.GetUtcNow().AddDays(-7));
        await dynamo.CreateTableAsync(TableSchema.CreateRequest(leftover));

        var report = await Job.RunAsync(CancellationToken.None);

        Assert.True(report.Ok, string.Join("\n", report.Failures()));
        Assert.Empty(await ScratchTablesLeftAsync());
    }

    public void Dispose()
    {
        var folder = Files.Folder;
        app.Dispose();
        dynamo.Dispose();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private T Service<T>()
        where T : notnull => app.Services.GetRequiredService<T>();

    private static async IAsyncEnumerable<Dictionary<string, AttributeValue>> Items(params Dictionary<string, AttributeValue>[] items)
    {
        foreach (var item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
    }

    private static IEnumerable<byte[]> Windows(byte[] bytes, int size) =>
        Enumerable.Range(0, bytes.Length - size + 1).Select(i => bytes[i..(i + size)]);

    /// <summary>Tenant-like items with a 4 KB payload, every attribute type a backup has to carry included.</summary>
    private async Task SeedAsync(int count)
    {
        _ = app.Services; // the app creates its tables at start
        var payload = new string('x', 4000);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(25))
        {
            var requests = chunk.Select(i =>
            {
                var item = Attr.Key($"TENANT#t_{i:D4}", $"ITEM#{i:D4}");
                item["payload"] = Attr.S(payload);
                item["n"] = Attr.N(i);
                item["flag"] = Attr.Bool(i % 2 == 0);
                item["nothing"] = new AttributeValue { NULL = true };
                item["list"] = Attr.List(["a", "b"]);
                item["map"] = new AttributeValue { M = new() { ["inner"] = Attr.S("値"), ["deeper"] = new AttributeValue { M = new() { ["n"] = Attr.N(1) } } } };
                item["roles"] = Attr.StringSet(["admin", "auditor"]);
                item["numbers"] = new AttributeValue { NS = ["1", "2.5"] };
                item["blob"] = new AttributeValue { B = new MemoryStream([1, 2, 3]) };
                item["blobs"] = new AttributeValue { BS = [new MemoryStream([4]), new MemoryStream([5])] };
                return new WriteRequest { PutRequest = new PutRequest { Item = item } };
            }).ToList();
            await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [app.MainTable] = requests } });
        }
    }

    private async Task<List<string>> ScratchTablesLeftAsync()
    {
        var left = new List<string>();
        string? start = null;
        do
        {
            var page = await dynamo.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = start });
            left.AddRange((page.TableNames ?? []).Where(n => n.StartsWith($"restore-test-{app.MainTable[..13]}", StringComparison.Ordinal)));
            start = page.LastEvaluatedTableName;
        }
        while (start is not null);

        return left;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> AuditEventsAsync()
    {
        var response = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = app.AuditTable,
            KeyConditionExpression = "pk = :pk",
            FilterExpression = "#action = :action",
            ExpressionAttributeNames = new() { ["#action"] = "action" },
            ExpressionAttributeValues = new() { [":pk"] = Attr.S($"AUDIT#platform#{app.Clock.GetUtcNow():yyyy-MM-dd}"), [":action"] = Attr.S(VerifyBackupsJob.AuditAction) },
        });
        return response.Items ?? [];
    }

    private JsonElement LogLine(string messageStart) =>
        app.Logs.Lines
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("message").GetString()!.StartsWith(messageStart, StringComparison.Ordinal));
}
