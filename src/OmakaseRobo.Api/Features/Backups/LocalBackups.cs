using Amazon.DynamoDBv2;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// Local mode's stand-in for the AWS Backup plan (DynamoDB Local has no backup API): at most one encrypted backup per
/// table and UTC day, the canary refreshed just before it, and backups past the retention deleted.
/// </summary>
internal sealed partial class LocalBackups(
    IAmazonDynamoDB dynamo, LocalBackupFiles files, BackupCanary canary, OmakaseOptions options, TimeProvider clock, ILogger<LocalBackups> logger)
{
    /// <summary>Today's backup of every table, taken now unless one exists (then reused).</summary>
    public async Task<IReadOnlyList<LocalBackupManifest>> TakeDailyAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var name in files.DeleteTakenBefore(now - options.Backups.Retention))
        {
            LogDeleted(logger, name);
        }

        var taken = new List<LocalBackupManifest>();
        foreach (var table in BackupsSetup.Tables(options))
        {
            if (files.List(table).Backups.FirstOrDefault(b => b.TakenAt.UtcDateTime.Date == now.UtcDateTime.Date) is { } today)
            {
                taken.Add(today);
                continue;
            }

            var canaryWrittenAt = await canary.WriteAsync(table, now, cancellationToken).ConfigureAwait(false);
            var manifest = await files.WriteAsync(
                table, now, TableScan.ItemsAsync(dynamo, table, cancellationToken), canaryWrittenAt, cancellationToken).ConfigureAwait(false);
            LogTaken(logger, table, manifest.ItemCount, manifest.DataFile);
            taken.Add(manifest);
        }

        return taken;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "local backup taken: {Table}, {Items} items in {File}")]
    private static partial void LogTaken(ILogger logger, string table, long items, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "local backup past retention deleted: {File}")]
    private static partial void LogDeleted(ILogger logger, string file);
}
