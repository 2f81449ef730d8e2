namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// Tests that hold the app to a wall-clock limit (a notice within 1 s) run alone, after the parallel ones, so the time
/// they measure is the app's and not the rest of the suite's load on a two-core box.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedAlone
{
    public const string Name = "timed alone";
}
