namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>Where local mode keeps the DynamoDB Local jar (.cache/) and its data and keys (.local/): git-ignored folders at the repository root.</summary>
internal static class LocalPaths
{
    public static string CacheDir(LocalOptions options)
    {
        return options.CacheDir ?? Path.Combine(Root(), ".cache", "dynamodb-local");
    }

    public static string DataDir(LocalOptions options)
    {
        return options.DataDir ?? Path.Combine(Root(), ".local");
    }

    /// <summary>Local mode's own daily backups (DynamoDB Local has no backup API).</summary>
    public static string BackupDir(OmakaseOptions options)
    {
        return options.Backups.LocalDir ?? Path.Combine(DataDir(options.Local), "backups");
    }

    /// <summary>The repository root (the folder holding OmakaseRobo.sln), else a folder in the user's home.</summary>
    private static string Root()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OmakaseRobo.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".omakase-robo");
    }
}
