using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// A known item in every backed-up table (pk CANARY, sk #CANARY) holding the time it was written. The job refreshes
/// it before a backup is taken, so a restore test can show the restored table holds what the source held then.
/// </summary>
internal sealed class BackupCanary(IAmazonDynamoDB dynamo)
{
    public async Task<DateTimeOffset> WriteAsync(string tableName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Millisecond precision: the time read back from a restored table must equal the time recorded with the backup.
        var writtenAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var item = MainItems.BackupCanary.Key();
        item[TableSchema.Type] = Attr.S(MainItems.BackupCanary.Type);
        item["writtenAt"] = Attr.Time(writtenAt);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = tableName, Item = item }, cancellationToken).ConfigureAwait(false);
        return writtenAt;
    }

    /// <summary>When the canary in the table was written; null when the table has none.</summary>
    public async Task<DateTimeOffset?> ReadAsync(string tableName, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = MainItems.BackupCanary.Key(),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item.GetTime("writtenAt") : null;
    }
}
