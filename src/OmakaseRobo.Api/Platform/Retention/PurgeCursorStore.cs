using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Retention;

/// <summary>
/// Where the next run starts, so no run re-reads years of empty days: the oldest audit chain day not yet fully purged,
/// the first closed day not yet copied into the ledger, and the oldest expiry-index day not yet fully purged.
/// </summary>
internal sealed record PurgeCursor(DateOnly AuditFrom, DateOnly LedgerFrom, DateOnly ExpiriesFrom)
{
    public static PurgeCursor Start(DateOnly first) => new(first, first, first);
}

/// <summary>The cursor item in the main table: pk JOB#purge-records, sk CURSOR (no ttl). Concurrent runs at worst re-read days.</summary>
internal sealed class PurgeCursorStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private static Dictionary<string, AttributeValue> Key() => MainItems.PurgeCursor.Key();

    public async Task<PurgeCursor?> GetAsync(CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Tables.Main, Key = Key(), ConsistentRead = true }, cancellationToken)
            .ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item
            || ParseDay(item.GetS("auditFrom")) is not { } audit
            || ParseDay(item.GetS("ledgerFrom")) is not { } ledger
            || ParseDay(item.GetS("expiriesFrom")) is not { } expiries)
        {
            return null;
        }

        return new PurgeCursor(audit, ledger, expiries);
    }

    public async Task SaveAsync(PurgeCursor cursor, CancellationToken cancellationToken)
    {
        var item = Key();
        item[TableSchema.Type] = Attr.S(MainItems.PurgeCursor.Type);
        item["auditFrom"] = Attr.S(Format(cursor.AuditFrom));
        item["ledgerFrom"] = Attr.S(Format(cursor.LedgerFrom));
        item["expiriesFrom"] = Attr.S(Format(cursor.ExpiriesFrom));
        await dynamo.PutItemAsync(new PutItemRequest { TableName = options.Tables.Main, Item = item }, cancellationToken).ConfigureAwait(false);
    }

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
