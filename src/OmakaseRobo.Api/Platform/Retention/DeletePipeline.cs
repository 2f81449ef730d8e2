using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Retention;

/// <summary>A page of expired keys to delete, each with what the report counts it as.</summary>
internal sealed record ExpiredPage(List<(Dictionary<string, AttributeValue> Key, PurgedKind Kind)> Items);

/// <summary>
/// Deletes pages of keys while the next page is being read: one read and one page of batch deletes (up to
/// <see cref="PurgeOptions.DeleteConcurrency"/> requests) in flight at a time, so reading costs little on top of deleting,
/// and memory holds two pages whatever the volume.
/// </summary>
internal sealed class DeletePipeline(BatchDeleter deleter, OmakaseOptions options)
{
    public async Task RunAsync(string table, IAsyncEnumerable<ExpiredPage> pages, PurgeRun run, CancellationToken cancellationToken)
    {
        Task? deleting = null;
        ExpiredPage? inFlight = null;
        try
        {
            await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (deleting is not null)
                {
                    await deleting.ConfigureAwait(false);
                    run.CountDeleted(inFlight!.Items.Select(i => i.Kind));
                }

                inFlight = page;
                deleting = deleter.DeleteAsync(table, page.Items.Select(i => i.Key), options.Purge.DeleteConcurrency, cancellationToken);
            }

            if (deleting is not null)
            {
                await deleting.ConfigureAwait(false);
                run.CountDeleted(inFlight!.Items.Select(i => i.Kind));
            }
        }
        catch when (deleting is { IsCompleted: false })
        {
            // The read failed (or was cancelled) while a delete was in flight: let it end before the failure goes on.
            await Task.WhenAny(deleting).ConfigureAwait(false);
            throw;
        }
    }
}
