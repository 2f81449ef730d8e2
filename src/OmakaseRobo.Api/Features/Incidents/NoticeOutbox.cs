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
/// last: idempotent, so retry-webhooks resumes (<see cref="FinishAsync"/>) a batch whose process died or whose storage
/// failed between chunks. Once the first transaction committed, the notice is sent: nothing after it fails the call.
/// </summary>
internal sealed partial class NoticeOutbox(
    IAmazonDynamoDB dynamo, IncidentStore incidents, WebhookStore webhooks, AuditOutboxStore outbox, IAuditTrail trail, OmakaseOptions options, Runtime runtime,
    TimeProvider clock, ILogger<NoticeOutbox> logger)
    : IUnfinishedDeliveries
{
    /// <summary>A dispatch item younger than this may still be being written by its own process.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    private string Table => options.Tables.Main;

    private int Limit => TransactionLimits.MaxItems(runtime);

    /// <summary>
    /// The first transaction: the whole notice, or the incident's change with the dispatch item. False when the incident
    /// changed since it was read (nothing was written). Its token makes an SDK retry of a commit whose answer was lost a no-op.
    /// </summary>
    public async Task<bool> CommitAsync(TransactWriteItem incidentChange, NoticeBatch batch, CancellationToken cancellationToken)
    {
        TransactWriteItem[] first = Fits(batch)
            ? [incidentChange, .. batch.Units.SelectMany(u => UnitWrites(batch, u))]
            : [incidentChange, new() { Put = new Put { TableName = Table, Item = NoticeDispatchItem.ToItem(batch) } }];
        try
        {
            await dynamo.TransactWriteItemsAsync(
                new TransactWriteItemsRequest { TransactItems = [.. first], ClientRequestToken = batch.Units[0].Record.OutboxId }, cancellationToken).ConfigureAwait(false);
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// After the commit, the chunks of a notice larger than one transaction. False when a fault stopped them: the
    /// dispatch item stands and retry-webhooks finishes the batch, so the caller still answers that the notice was sent.
    /// </summary>
    public async Task<bool> TryWriteRestAsync(NoticeBatch batch, CancellationToken cancellationToken)
    {
        if (Fits(batch))
        {
            return true;
        }

        try
        {
            await WriteChunksAsync(batch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLeftForRetry(logger, e, batch.IncidentId, batch.Sequence);
            return false;
        }
    }

    /// <summary>
    /// A retried call of a notice that committed: finishes its batch now when its dispatch item is still there (whatever
    /// the grace; every step is idempotent). A fault leaves it to retry-webhooks, as after the first call.
    /// </summary>
    public async Task ResumeAsync(string incidentId, int sequence, CancellationToken cancellationToken)
    {
        try
        {
            var item = await dynamo.GetItemAsync(
                new GetItemRequest { TableName = Table, Key = MainItems.NoticeDispatch.Key(incidentId, sequence), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
            if (item.IsItemSet)
            {
                await FinishBatchAsync(NoticeDispatchItem.FromItem(item.Item, outbox), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogLeftForRetry(logger, e, incidentId, sequence);
        }
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
            await FinishBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return items.Count;
    }

    private async Task FinishBatchAsync(NoticeBatch batch, CancellationToken cancellationToken)
    {
        await WriteChunksAsync(batch, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(batch.Units.Select(u => trail.AppendAsync(u.Record, cancellationToken))).ConfigureAwait(false);
    }

    private bool Fits(NoticeBatch batch) => 1 + batch.Units.Sum(u => UnitWrites(batch, u).Count) <= Limit;

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notice {Sequence} of incident {IncidentId} is committed; the rest of its batch is left to retry-webhooks")]
    private static partial void LogLeftForRetry(ILogger logger, Exception exception, string incidentId, int sequence);
}
