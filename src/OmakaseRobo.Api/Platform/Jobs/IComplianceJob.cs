using System.Text.Json;

namespace OmakaseRobo.Api.Platform.Jobs;

/// <summary>A scheduled compliance job: a name (the event's detail.job) and a run that answers its report.</summary>
internal interface IComplianceJob
{
    string Name { get; }

    /// <summary>The report as JSON; <c>ok</c> false in it marks a failed run (logged as an error, audited as a failure).</summary>
    Task<JobOutcome> RunAsync(CancellationToken cancellationToken);
}

internal sealed record JobOutcome(bool Ok, JsonElement Report);
