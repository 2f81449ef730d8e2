using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.KMS;
using Constructs;
using Attribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace OmakaseRobo.Infra;

/// <summary>
/// The main table (tenants, users, sessions, incidents...) and the audit table (hash-chained trail), both keyed
/// pk/sk with the overloaded index gsi1 and the expiry index gsi2 (what the purge job reads, 18.1.3), encrypted with
/// the data key, with PITR and TTL on `ttl` (guideline 18.1.3). The app's TableSchema declares the same for local mode.
/// </summary>
public sealed class Tables : Construct
{
    public const string IndexName = "gsi1";

    public const string ExpiryIndexName = "gsi2";

    public const string TimeToLiveAttribute = "ttl";

    public Table Main { get; }

    public Table Audit { get; }

    public IReadOnlyList<Table> All => [Main, Audit];

    public Tables(Construct scope, string id, DeploymentSettings settings, IKey dataKey)
        : base(scope, id)
    {
        Main = CreateTable("Main", $"{settings.NamePrefix}-main", settings, dataKey);
        Audit = CreateTable("Audit", $"{settings.NamePrefix}-audit", settings, dataKey);
    }

    private Table CreateTable(string id, string tableName, DeploymentSettings settings, IKey dataKey)
    {
        var keepData = settings.Stage.IsProductionLike;
        var table = new Table(this, id, new TableProps
        {
            TableName = tableName,
            PartitionKey = new Attribute { Name = "pk", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "sk", Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Encryption = TableEncryption.CUSTOMER_MANAGED,
            EncryptionKey = dataKey,
            PointInTimeRecovery = true,
            TimeToLiveAttribute = TimeToLiveAttribute,
            DeletionProtection = keepData,
            // dev tables may go with the stack; staging and prod data outlive it.
            RemovalPolicy = keepData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });

        table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = IndexName,
            PartitionKey = new Attribute { Name = "gsi1pk", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "gsi1sk", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.ALL,
        });

        // Added to tables that already exist as an online backfill; CloudFormation adds one index per table per update.
        table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = ExpiryIndexName,
            PartitionKey = new Attribute { Name = "gsi2pk", Type = AttributeType.STRING },
            SortKey = new Attribute { Name = "gsi2sk", Type = AttributeType.STRING },
            ProjectionType = ProjectionType.KEYS_ONLY,
        });

        return table;
    }
}
