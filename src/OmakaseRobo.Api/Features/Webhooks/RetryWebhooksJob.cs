using System.Text.Json;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Webhooks;

internal sealed record WebhookRetryReport(bool Ok, DateTimeOffset RanAt, int Attempted, int Resumed);

/// <summary>
/// Work an area left half-stored that ends in deliveries (a notice to more tenants than one transaction holds, whose
/// process died between its chunks): finished first by retry-webhooks, so its deliveries are retried in the same run.
/// </summary>
internal interface IUnfinishedDeliveries
{
    /// <summary>Stores what is missing, idempotently; returns how many pieces of work it finished.</summary>
    Task<int> FinishAsync(CancellationToken cancellationToken);
}

/// <summary>retry-webhooks: finishes unfinished notices, then gives every due pending webhook delivery its next attempt.</summary>
internal sealed class RetryWebhooksJob(WebhookDispatcher webhooks, IEnumerable<IUnfinishedDeliveries> unfinished, TimeProvider clock) : IComplianceJob
{
    public string Name => "retry-webhooks";

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var work in unfinished)
        {
            resumed += await work.FinishAsync(cancellationToken).ConfigureAwait(false);
        }

        var attempted = await webhooks.RetryDueAsync(cancellationToken).ConfigureAwait(false);
        return new JobOutcome(true, JsonSerializer.SerializeToElement(new WebhookRetryReport(true, clock.GetUtcNow(), attempted, resumed), AppJsonContext.Default.WebhookRetryReport));
    }
}
