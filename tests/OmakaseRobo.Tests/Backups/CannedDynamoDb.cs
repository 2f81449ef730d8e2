using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Backups;

/// <summary>
/// One AWS account's DynamoDB as the jobs function sees it, answering the real SDK client through
/// <see cref="RecordingAwsService"/> with the response shapes of the DynamoDB API reference: point-in-time recovery,
/// the AWS Backup plan's backups (type AWS_BACKUP), restores into scratch tables, and the few items the job reads and
/// writes. A test sets the scenario through the public fields and reads what was asked through <see cref="Service"/>.
/// </summary>
public sealed class CannedDynamoDb
{
    public const string Account = "111122223333";
    public const string KeyArn = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string Target = "DynamoDB_20120810.";
    private readonly Dictionary<string, JsonElement> items = [];

    public CannedDynamoDb()
    {
        Service = new RecordingAwsService(Answer, "application/x-amz-json-1.0");
    }

    public RecordingAwsService Service { get; }

    public string PointInTimeRecovery { get; set; } = "ENABLED";

    /// <summary>The backups of every table, as the AWS Backup plan made them.</summary>
    public List<CannedBackup> Backups { get; } = [];

    public string BackupKeyArn { get; set; } = KeyArn;

    /// <summary>SourceTableDetails.ItemCount of every backup: the source's count as AWS last refreshed it.</summary>
    public long RecordedItemCount { get; set; } = 1200;

    /// <summary>TableStatus DescribeTable reports for a restored scratch table.</summary>
    public string ScratchStatus { get; set; } = "ACTIVE";

    public long RestoredItemCount { get; set; } = 1187;

    public bool RestoredCanary { get; set; } = true;

    public List<string> RestoredTables { get; } = [];

    public List<string> DeletedTables { get; } = [];

    public IEnumerable<string> Operations => Service.Targets.Select(t => t[Target.Length..]);

    public IAmazonDynamoDB Client() => new AmazonDynamoDBClient(new BasicAWSCredentials("a", "b"), new AmazonDynamoDBConfig
    {
        RegionEndpoint = Amazon.RegionEndpoint.APNortheast1,
        HttpClientFactory = Service.Factory,
    });

    /// <summary>The bodies the client sent for one operation, in order.</summary>
    public List<JsonElement> Requests(string operation) =>
        [.. Service.Targets.Zip(Service.Bodies).Where(p => p.First == Target + operation).Select(p => p.Second)];

    public static string TableArn(string table) => $"arn:aws:dynamodb:ap-northeast-1:{Account}:table/{table}";

    public CannedBackup AddBackup(string table, DateTimeOffset createdAt, string status = "AVAILABLE")
    {
        var backup = new CannedBackup(
            table, $"{TableArn(table)}/backup/{createdAt.ToUnixTimeMilliseconds():D14}-{Backups.Count:x8}",
            $"AwsBackup-{table}-{createdAt:yyyyMMdd}", createdAt, status);
        Backups.Add(backup);
        return backup;
    }

    private static double Epoch(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private object Answer(string target, JsonElement body)
    {
        var table = body.TryGetProperty("TableName", out var name) ? name.GetString()! : null;
        return target[Target.Length..] switch
        {
            "DescribeContinuousBackups" => new
            {
                ContinuousBackupsDescription = new
                {
                    ContinuousBackupsStatus = "ENABLED",
                    PointInTimeRecoveryDescription = new
                    {
                        PointInTimeRecoveryStatus = PointInTimeRecovery,
                        EarliestRestorableDateTime = Epoch(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)),
                        LatestRestorableDateTime = Epoch(new DateTimeOffset(2026, 11, 25, 23, 55, 0, TimeSpan.Zero)),
                        RecoveryPeriodInDays = 35,
                    },
                },
            },
            "ListBackups" => ListBackups(table!, body.GetProperty("BackupType").GetString()!),
            "DescribeBackup" => DescribeBackup(body.GetProperty("BackupArn").GetString()!),
            "RestoreTableFromBackup" => Restore(body),
            "DescribeTable" => DeletedTables.Contains(table!)
                ? new AwsError("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", $"Requested resource not found: Table: {table} not found")
                : new { Table = ScratchTable(table!, ScratchStatus) },
            "Scan" => Scan(body),
            "GetItem" => GetItem(table!, body.GetProperty("Key")),
            "PutItem" => PutItem(table!, body.GetProperty("Item")),
            "DeleteTable" => DeleteTable(table!),
            var other => throw new InvalidOperationException($"The verifier called {other}, which this account does not expect."),
        };
    }

    private object ListBackups(string table, string type)
    {
        // ALL is USER and SYSTEM; the plan's backups only answer to AWS_BACKUP.
        var summaries = Backups
            .Where(b => b.Table == table && (type == "AWS_BACKUP" ? b.Type == "AWS_BACKUP" : type == "ALL" ? b.Type != "AWS_BACKUP" : b.Type == type))
            .Select(b => new
            {
                b.BackupArn,
                b.BackupName,
                BackupCreationDateTime = Epoch(b.CreatedAt),
                BackupSizeBytes = 524288,
                BackupStatus = b.Status,
                BackupType = b.Type,
                TableArn = TableArn(b.Table),
                TableId = "e2a1b1c0-0000-4000-8000-000000000001",
                TableName = b.Table,
            });
        return new { BackupSummaries = summaries.ToList() };
    }

    private object DescribeBackup(string arn)
    {
        var backup = Backups.Single(b => b.BackupArn == arn);
        return new
        {
            BackupDescription = new
            {
                BackupDetails = new
                {
                    backup.BackupArn,
                    backup.BackupName,
                    BackupSizeBytes = 524288,
                    BackupStatus = backup.Status,
                    BackupType = backup.Type,
                    BackupCreationDateTime = Epoch(backup.CreatedAt),
                },
                SourceTableDetails = new
                {
                    TableName = backup.Table,
                    TableId = "e2a1b1c0-0000-4000-8000-000000000001",
                    TableArn = TableArn(backup.Table),
                    TableSizeBytes = 2_457_600,
                    KeySchema = new[] { new { AttributeName = "pk", KeyType = "HASH" }, new { AttributeName = "sk", KeyType = "RANGE" } },
                    TableCreationDateTime = Epoch(new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero)),
                    ProvisionedThroughput = new { ReadCapacityUnits = 0, WriteCapacityUnits = 0 },
                    ItemCount = RecordedItemCount,
                    BillingMode = "PAY_PER_REQUEST",
                },
                SourceTableFeatureDetails = new
                {
                    SSEDescription = new { Status = "ENABLED", SSEType = "KMS", KMSMasterKeyArn = BackupKeyArn },
                    TimeToLiveDescription = new { TimeToLiveStatus = "ENABLED", AttributeName = "ttl" },
                },
            },
        };
    }

    private object Restore(JsonElement body)
    {
        var target = body.GetProperty("TargetTableName").GetString()!;
        RestoredTables.Add(target);
        return new { TableDescription = ScratchTable(target, "CREATING") };
    }

    private static object ScratchTable(string table, string status) => new
    {
        TableName = table,
        TableStatus = status,
        TableArn = TableArn(table),
        ItemCount = 0,
        TableSizeBytes = 0,
        BillingModeSummary = new { BillingMode = "PAY_PER_REQUEST" },
        SSEDescription = new { Status = "ENABLED", SSEType = "KMS", KMSMasterKeyArn = KeyArn },
        RestoreSummary = new { RestoreInProgress = status != "ACTIVE", RestoreDateTime = Epoch(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero)) },
    };

    /// <summary>Select COUNT over the restored table, in two pages like a table larger than 1 MB.</summary>
    private object Scan(JsonElement body)
    {
        if (!body.TryGetProperty("ExclusiveStartKey", out _))
        {
            var first = RestoredItemCount / 2;
            return new
            {
                Count = first,
                ScannedCount = first,
                LastEvaluatedKey = new Dictionary<string, object> { ["pk"] = new { S = "TENANT#t_half" }, ["sk"] = new { S = "#TENANT" } },
            };
        }

        var rest = RestoredItemCount - (RestoredItemCount / 2);
        return new { Count = rest, ScannedCount = rest };
    }

    private object GetItem(string table, JsonElement key)
    {
        if (RestoredTables.Contains(table))
        {
            return RestoredCanary && key.GetProperty("pk").GetProperty("S").GetString() == "CANARY"
                ? new { Item = new Dictionary<string, object> { ["pk"] = new { S = "CANARY" }, ["sk"] = new { S = "#CANARY" }, ["type"] = new { S = "backup-canary" }, ["writtenAt"] = new { N = "1764100800000" } } }
                : new { };
        }

        return items.TryGetValue(ItemKey(table, key), out var item) ? new { Item = item } : new { };
    }

    /// <summary>Live tables keep what is put (conditions are the real engine's business: see the local tests).</summary>
    private object PutItem(string table, JsonElement item)
    {
        items[ItemKey(table, item)] = item.Clone();
        return new { };
    }

    private object DeleteTable(string table)
    {
        DeletedTables.Add(table);
        return new { TableDescription = ScratchTable(table, "DELETING") };
    }

    private static string ItemKey(string table, JsonElement item) =>
        $"{table}|{item.GetProperty("pk").GetProperty("S").GetString()}|{item.GetProperty("sk").GetProperty("S").GetString()}";
}

public sealed record CannedBackup(string Table, string BackupArn, string BackupName, DateTimeOffset CreatedAt, string Status, string Type = "AWS_BACKUP");
