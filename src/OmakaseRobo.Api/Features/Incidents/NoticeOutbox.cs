using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>
/// Commits a notice with everything it owes (per tenant: the notice, a pending delivery, the audit record) in one
/// transaction with the incident's change. A notice larger than a transaction (100 items; 10 in DynamoDB Local)
/// commits the incident's change with a dispatch item that describes the whole batch, then writes it in chunks, each a
/// transaction of whole tenants that passes only while its notices are absent, and deletes the dispatch item with the
/// last: idempotent, so retry-webhooks resumes (<see cref="FinishAsync"/>) a batch whose process died between chunks.
/// </summary>
internal sealed class NoticeOutbox(
    IAmazonDynamoDB dynamo, IncidentStore incidents, WebhookStore webhooks, AuditOutboxStore outbox, IAuditTrail trail, OmakaseOptions options, Runtime runtime, TimeProvider clock)
    : IUnfinishedDeliveries
{
    /// <summary>A dispatch item younger than this may still be being written by its own process.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    private string Table => options.Tables.Main;

    private int Limit => TransactionLimits.MaxItems(runtime);

    /// <summary>False when the incident changed since it was read (nothing was written).</summary>
    public async Task<bool> CommitAsync(TransactWriteItem incidentChange, NoticeBatch batch, CancellationToken cancellationToken)
    {
        var units = batch.Units.Select(u => UnitWrites(batch, u)).ToList();
        var whole = 1 + units.Sum(u => u.Count) <= Limit;
        try
        {
            TransactWriteItem[] first = whole ? [incidentChange, .. units.SelectMany(u => u)] : [incidentChange, new() { Put = new Put { TableName = Table, Item = NoticeDispatchItem.ToItem(batch) } }];
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [.. first] }, cancellationToken).ConfigureAwait(false);
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return false;
        }

        if (!whole)
        {
            await WriteChunksAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Finishes every batch whose dispatch item outlived its process, and appends its audit records.</summary>
    public async Task<int> FinishAsync(CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :list AND gsi1sk < :before",
            ExpressionAttributeValues = new()
            {
                [":list"] = Attr.S(MainItems.NoticeDispatch.ListPartition),
                [":before"] = Attr.S(MainItems.NoticeDispatch.ListSortKey(clock.GetUtcNow() - Grace, string.Empty)),
            },
        }, cancellationToken).ConfigureAwait(false);
        foreach (var batch in items.Select(i => NoticeDispatchItem.FromItem(i, outbox)))
        {
            await WriteChunksAsync(batch, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(batch.Units.Select(u => trail.AppendAsync(u.Record, cancellationToken))).ConfigureAwait(false);
        }

        return items.Count;
    }

    private async Task WriteChunksAsync(NoticeBatch batch, CancellationToken cancellationToken)
    {
        var chunk = new List<TransactWriteItem>();
        foreach (var unit in batch.Units.Select(u => UnitWrites(batch, u)))
        {
            if (chunk.Count + unit.Count > Limit)
            {
                await WriteChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk = [];
            }

            chunk.AddRange(unit);
        }

        await WriteChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = MainItems.NoticeDispatch.Key(batch.IncidentId, batch.Sequence) }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A chunk whose notices exist was written before, whole (a transaction): it is skipped.</summary>
    private async Task WriteChunkAsync(List<TransactWriteItem> chunk, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = chunk }, cancellationToken).ConfigureAwait(false);
        }
        catch (TransactionCanceledException e) when (e.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
        {
        }
    }

    private List<TransactWriteItem> UnitWrites(NoticeBatch batch, NoticeUnit unit) =>
        unit.Delivery is { } delivery
            ? [incidents.NoticeWrite(unit.Notice, batch.Sequence), webhooks.DeliveryWrite(delivery), unit.Record.Write]
            : [incidents.NoticeWrite(unit.Notice, batch.Sequence), unit.Record.Write];
}
