using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// The key shape both tables share (the CDK stack declares the same): pk/sk, the overloaded GSI gsi1 (gsi1pk/gsi1sk),
/// the expiry index gsi2 (gsi2pk/gsi2sk, keys only, see <see cref="ExpiryIndex"/>), and the TTL attribute ttl in epoch seconds.
/// </summary>
internal static class TableSchema
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string Index1 = "gsi1";
    public const string Index1PartitionKey = "gsi1pk";
    public const string Index1SortKey = "gsi1sk";
    public const string Index2 = "gsi2";
    public const string Index2PartitionKey = "gsi2pk";
    public const string Index2SortKey = "gsi2sk";
    public const string TimeToLive = "ttl";

    /// <summary>What kind of item it is: one of <see cref="MainItems.Kinds"/> or <see cref="AuditItems.Kinds"/>.</summary>
    public const string Type = "type";

    public static CreateTableRequest CreateRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(SortKey, ScalarAttributeType.S),
            new AttributeDefinition(Index1PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(Index1SortKey, ScalarAttributeType.S),
            new AttributeDefinition(Index2PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(Index2SortKey, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH), new KeySchemaElement(SortKey, KeyType.RANGE)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = Index1,
                KeySchema = [new KeySchemaElement(Index1PartitionKey, KeyType.HASH), new KeySchemaElement(Index1SortKey, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
            new GlobalSecondaryIndex
            {
                IndexName = Index2,
                KeySchema = [new KeySchemaElement(Index2PartitionKey, KeyType.HASH), new KeySchemaElement(Index2SortKey, KeyType.RANGE)],
                // The ttl is in the sort key and the purge re-reads each item anyway: the keys are all it needs.
                Projection = new Projection { ProjectionType = ProjectionType.KEYS_ONLY },
            },
        ],
    };

    /// <summary>Local mode only: in AWS the tables come from CDK and the app never creates them.</summary>
    /// <param name="timeToLive">Turn DynamoDB TTL on; tests turn it off, since DynamoDB Local's sweeper runs on the real clock.</param>
    public static async Task EnsureCreatedAsync(IAmazonDynamoDB dynamo, string tableName, bool timeToLive, CancellationToken cancellationToken)
    {
        // Asked first, so that a start that finds its tables (every start but the first) raises no exception: the SDK
        // formats each one's stack trace, and in a Native AOT binary the first costs tens of milliseconds of CPU.
        try
        {
            await dynamo.DescribeTableAsync(tableName, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ResourceNotFoundException)
        {
        }

        try
        {
            await dynamo.CreateTableAsync(CreateRequest(tableName), cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            return; // created meanwhile by another process: creation is idempotent
        }

        if (!timeToLive)
        {
            return;
        }

        await dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
        {
            TableName = tableName,
            TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = TimeToLive, Enabled = true },
        }, cancellationToken).ConfigureAwait(false);
    }
}
