using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// Verifies local mode's backup files per table: the newest is at most 26 hours old, none is past the retention,
/// every kept one decrypts and matches its manifest (count and SHA-256), and, when due, the newest is restored into a
/// scratch table in DynamoDB Local (<see cref="LocalRestoreTest"/>).
/// </summary>
internal sealed class LocalBackupVerifier(
    LocalBackupFiles files, LocalRestoreTest restoreTest, RestoreTestStore states, OmakaseOptions options, TimeProvider clock) : IBackupVerifier
{
    /// <summary>A daily backup plus two hours of slack for a late run.</summary>
    public static readonly TimeSpan RecentWithin = TimeSpan.FromHours(26);

    public async Task<BackupReport> VerifyAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var tables = new List<TableBackupReport>();
        foreach (var table in BackupsSetup.Tables(options))
        {
            tables.Add(await VerifyTableAsync(table, now, cancellationToken).ConfigureAwait(false));
        }

        return BackupReport.From(now, BackupReport.Local, tables);
    }

    private async Task<TableBackupReport> VerifyTableAsync(string table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var listing = files.List(table);
        var newest = listing.Backups.Count > 0 ? listing.Backups[0] : null;
        var checks = new List<BackupCheck>
        {
            BackupChecks.Recent(newest?.TakenAt, now, RecentWithin, newest?.DataFile),
            BackupChecks.Retention(listing.Backups.Select(b => b.TakenAt), now, options.Backups.Retention),
        };

        var broken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in listing.Unreadable)
        {
            broken[name] = "is not a readable manifest";
        }

        foreach (var backup in listing.Backups)
        {
            if (await FindProblemAsync(backup, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                broken[backup.DataFile] = problem;
            }
        }

        checks.Add(new BackupCheck(BackupCheck.Integrity, listing.Backups.Count > 0 && broken.Count == 0, (listing.Backups.Count, broken.Count) switch
        {
            (0, 0) => "no backup to check",
            (var all, 0) => $"all {all} backups decrypt and match their manifests",
            _ => string.Join("; ", broken.Select(b => $"{b.Key} {b.Value}")),
        }));

        var restore = await RestoreIfDueAsync(table, newest, newest is not null && broken.ContainsKey(newest.DataFile), now, cancellationToken).ConfigureAwait(false);
        checks.Add(restore.ToCheck());
        return new TableBackupReport(table, checks.All(c => c.Passed), newest?.TakenAt, checks, restore);
    }

    private async Task<string?> FindProblemAsync(LocalBackupManifest backup, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in files.ReadAsync(backup, cancellationToken).ConfigureAwait(false))
            {
                // reading to the end checks every chunk, the count and the SHA-256
            }

            return null;
        }
        catch (Exception exception) when (LocalBackupFiles.DescribeReadFailure(exception) is { } reason)
        {
            return reason;
        }
    }

    private async Task<RestoreTestResult> RestoreIfDueAsync(
        string table, LocalBackupManifest? newest, bool newestBroken, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(table, cancellationToken).ConfigureAwait(false);
        if (!state.IsDue(now, options.Backups.RestoreTestEvery))
        {
            return new RestoreTestResult(
                RestoreTestResult.NotDue, null, null, null, null, null, null, state.LastPassedAt,
                $"last restore test passed at {state.LastPassedAt:O}; the next is due after {options.Backups.RestoreTestEvery}");
        }

        var result = newest is null || newestBroken
            ? new RestoreTestResult(
                RestoreTestResult.Failed, newest?.DataFile, newest?.TakenAt, null, newest?.ItemCount, null, null, null,
                newest is null ? "no backup to restore" : $"the newest backup {newest.DataFile} fails its integrity check, so it was not restored")
            : await restoreTest.RunAsync(newest, cancellationToken).ConfigureAwait(false);
        var saved = await states.TrySaveAsync(state.Finished(now, result.Status), cancellationToken).ConfigureAwait(false);
        return result with { LastPassedAt = (saved ?? state).LastPassedAt };
    }
}
