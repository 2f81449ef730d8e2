namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>Tests that start the app as a real process run one after another (each holds a port, Java and a CPU).</summary>
[CollectionDefinition(Name)]
public sealed class AppProcesses
{
    public const string Name = "app processes";
}
