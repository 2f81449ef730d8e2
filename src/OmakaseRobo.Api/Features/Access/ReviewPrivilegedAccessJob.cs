using System.Text.Json;
using OmakaseRobo.Api.Platform.Jobs;
using OmakaseRobo.Api;

namespace OmakaseRobo.Api.Features.Access;

/// <summary>review-privileged-access (9.2.3): the access review's report, on a schedule; ok unless something is flagged.</summary>
internal sealed class ReviewPrivilegedAccessJob(AccessReviewService reviews) : IComplianceJob
{
    public string Name => "review-privileged-access";

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var report = await reviews.ReviewAsync(cancellationToken).ConfigureAwait(false);
        // Flags are findings for the operators to act on, not a failure of the job: the report carries them.
        return new JobOutcome(true, JsonSerializer.SerializeToElement(report, AppJsonContext.Default.PrivilegedAccessReport));
    }
}
