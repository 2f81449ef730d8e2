using System.Text.Json;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Jobs;

public sealed record WebhookRetryReport(bool Ok, DateTimeOffset RanAt, int Attempted);

/// <summary>review-privileged-access (9.2.3): the access review's report, on a schedule; ok unless something is flagged.</summary>
public sealed class ReviewPrivilegedAccessJob(AccessReviewService reviews) : IComplianceJob
{
    public string Name => "review-privileged-access";

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var report = await reviews.ReviewAsync(cancellationToken).ConfigureAwait(false);
        // Flags are findings for the operators to act on, not a failure of the job: the report carries them.
        return new JobOutcome(true, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.PrivilegedAccessReport));
    }
}

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
