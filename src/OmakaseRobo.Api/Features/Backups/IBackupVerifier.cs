namespace OmakaseRobo.Api.Features.Backups;

/// <summary>
/// 12.3.1: proves the backups of every table exist, are recent, are kept no longer than the retention, are encrypted
/// and, every so often, can actually be restored. AWS: DynamoDB's backups (taken by the AWS Backup plan) and PITR;
/// local: the job's own encrypted backup files.
/// </summary>
internal interface IBackupVerifier
{
    Task<BackupReport> VerifyAsync(CancellationToken cancellationToken);
}
