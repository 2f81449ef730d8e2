using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Purge;

/// <summary>
/// Where the next run starts, so no run re-reads years of empty days: the oldest audit chain day not yet fully purged,
/// the first closed day not yet copied into the ledger, and the oldest expiry-index day not yet fully purged.
/// </summary>
public sealed record PurgeCursor(DateOnly AuditFrom, DateOnly LedgerFrom, DateOnly ExpiriesFrom)
{
    public static PurgeCursor Start(DateOnly first) => new(first, first, first);
}

/// <summary>The cursor item in the main table: pk JOB#purge-records, sk CURSOR (no ttl). Concurrent runs at worst re-read days.</summary>
public sealed class PurgeCursorStore(IAmazonDynamoDB dynamo, OmakaseOptions options)
{
    private static Dictionary<string, AttributeValue> Key() => Attr.Key("JOB#purge-records", "CURSOR");

    public async Task<PurgeCursor?> GetAsync(CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Tables.Main, Key = Key(), ConsistentRead = true }, cancellationToken)
            .ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item
            || AuditChain.ParseDay(item.GetS("auditFrom")) is not { } audit
            || AuditChain.ParseDay(item.GetS("ledgerFrom")) is not { } ledger
            || AuditChain.ParseDay(item.GetS("expiriesFrom")) is not { } expiries)
        {
            return null;
        }

        return new PurgeCursor(audit, ledger, expiries);
    }

    public async Task SaveAsync(PurgeCursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var item = Key();
        item["type"] = Attr.S("purge-cursor");
        item["auditFrom"] = Attr.S(AuditChain.Format(cursor.AuditFrom));
        item["ledgerFrom"] = Attr.S(AuditChain.Format(cursor.LedgerFrom));
        item["expiriesFrom"] = Attr.S(AuditChain.Format(cursor.ExpiriesFrom));
        await dynamo.PutItemAsync(new PutItemRequest { TableName = options.Tables.Main, Item = item }, cancellationToken).ConfigureAwait(false);
    }
}
