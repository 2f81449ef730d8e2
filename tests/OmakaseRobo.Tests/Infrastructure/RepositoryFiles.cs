namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>The repository the tests run in, and its files the tests read as a user would (events/*.json).</summary>
public static class RepositoryFiles
{
    /// <summary>The folder that holds OmakaseRobo.sln, above the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OmakaseRobo.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root was not found.");
    }

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root(), relativePath));
}
