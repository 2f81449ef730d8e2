using Amazon.CDK;
using Amazon.CDK.AWS.Backup;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.KMS;
using Constructs;
using Schedule = Amazon.CDK.AWS.Events.Schedule;
using CronOptions = Amazon.CDK.AWS.Events.CronOptions;

namespace OmakaseRobo.Infra;

/// <summary>
/// Guideline 12.3.1: a daily AWS Backup of both tables, kept 30 days in a vault encrypted with the data key, in the
/// same region (the plan has no copy action). The verify-backups job proves the backups restorable.
/// </summary>
public sealed class Backups : Construct
{
    public const int RetentionDays = 30;

    public BackupVault Vault { get; }

    public Backups(Construct scope, string id, DeploymentSettings settings, IKey dataKey, IReadOnlyList<Table> tables)
        : base(scope, id)
    {
        var keepBackups = settings.Stage.IsProductionLike;

        Vault = new BackupVault(this, "Vault", new BackupVaultProps
        {
            BackupVaultName = $"{settings.NamePrefix}-vault",
            EncryptionKey = dataKey,
            // In staging and prod nobody, not even an administrator, deletes a recovery point before it expires.
            BlockRecoveryPointDeletion = keepBackups,
            RemovalPolicy = keepBackups ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });

        var plan = new BackupPlan(this, "DailyPlan", new BackupPlanProps
        {
            BackupPlanName = $"{settings.NamePrefix}-daily",
            BackupVault = Vault,
            BackupPlanRules =
            [
                new BackupPlanRule(new BackupPlanRuleProps
                {
                    RuleName = "daily-kept-30-days",
                    // 17:00 UTC is 02:00 in Tokyo, before the verify-backups job at 20:00 UTC.
                    ScheduleExpression = Schedule.Cron(new CronOptions { Minute = "0", Hour = "17" }),
                    StartWindow = Duration.Hours(1),
                    CompletionWindow = Duration.Hours(2),
                    DeleteAfter = Duration.Days(RetentionDays),
                }),
            ],
        });

        plan.AddSelection("Tables", new BackupSelectionOptions
        {
            BackupSelectionName = $"{settings.NamePrefix}-tables",
            Resources = tables.Select(BackupResource.FromDynamoDbTable).ToArray(),
        });
    }
}
