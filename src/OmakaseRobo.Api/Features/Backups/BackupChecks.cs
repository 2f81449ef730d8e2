namespace OmakaseRobo.Api.Features.Backups;

/// <summary>The checks both verifiers make the same way, from backup times alone.</summary>
internal static class BackupChecks
{
    public static BackupCheck Recent(DateTimeOffset? newestAt, DateTimeOffset now, TimeSpan within, string? newestId) => newestAt switch
    {
        null => new BackupCheck(BackupCheck.RecentBackup, false, "no recent backup: there is no backup at all"),
        { } at when now - at > within => new BackupCheck(
            BackupCheck.RecentBackup, false, $"no recent backup: the newest ({newestId}) is from {at:O}, more than {within.TotalHours:0} hours ago"),
        { } at => new BackupCheck(BackupCheck.RecentBackup, true, $"newest backup {newestId} is from {at:O}"),
    };

    /// <summary>No backup may be older than the retention (plus <paramref name="margin"/>, the time the deleting side may lag).</summary>
    public static BackupCheck Retention(IEnumerable<DateTimeOffset> takenAt, DateTimeOffset now, TimeSpan retention, TimeSpan margin = default)
    {
        var limit = retention + margin;
        var tooOld = takenAt.Where(at => now - at > limit).Order().ToList();
        return tooOld.Count == 0
            ? new BackupCheck(BackupCheck.Retention, true, $"no backup older than {retention.TotalDays:0} days")
            : new BackupCheck(BackupCheck.Retention, false, $"{tooOld.Count} backups older than {retention.TotalDays:0} days are still kept (oldest from {tooOld[0]:O})");
    }
}
