namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>Files of the repository the tests read as a user would (events/*.json).</summary>
public static class RepositoryFiles
{
    public static string Read(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OmakaseRobo.sln")))
            {
                return File.ReadAllText(Path.Combine(dir.FullName, relativePath));
            }
        }

        throw new FileNotFoundException("The repository root was not found.", relativePath);
    }
}
