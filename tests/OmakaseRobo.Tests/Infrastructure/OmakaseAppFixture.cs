namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>One app (and its own tables) shared by the tests of a class; each test builds its own tenant.</summary>
public sealed class OmakaseAppFixture : IDisposable
{
    public OmakaseApp App { get; } = new();

    public void Dispose() => App.Dispose();
}
