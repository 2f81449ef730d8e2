using System.Text.Json;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Webhooks;

public sealed record WebhookRetryReport(bool Ok, DateTimeOffset RanAt, int Attempted);

/// <summary>retry-webhooks: gives every due pending webhook delivery its next attempt.</summary>
public sealed class RetryWebhooksJob(WebhookDispatcher webhooks, TimeProvider clock) : IComplianceJob
{
    public string Name => "retry-webhooks";

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var attempted = await webhooks.RetryDueAsync(cancellationToken).ConfigureAwait(false);
        return new JobOutcome(true, JsonSerializer.SerializeToElement(new WebhookRetryReport(true, clock.GetUtcNow(), attempted), AppJsonContext.Default.WebhookRetryReport));
    }
}
