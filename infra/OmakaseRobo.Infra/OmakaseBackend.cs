using Amazon.CDK;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>One stage of the backend (dev, staging or prod), always in ap-northeast-1.</summary>
public sealed class OmakaseBackend : Stack
{
    public Keys Keys { get; }

    public Tables Tables { get; }

    public Backups Backups { get; }

    public Functions Functions { get; }

    public Api Api { get; }

    public Alarms Alarms { get; }

    public SecuritySignals Signals { get; }

    public OmakaseBackend(Construct scope, DeploymentSettings settings)
        : base(scope, settings.StackName, StackPropsFor(settings))
    {
        Keys = new Keys(this, "Keys", settings);
        Tables = new Tables(this, "Tables", settings, Keys.DataKey);
        Backups = new Backups(this, "Backups", settings, Keys.DataKey, Tables.All);
        Functions = new Functions(this, "Functions", settings, Keys, Tables, Backups);
        Api = new Api(this, "Api", settings, Keys, Functions);
        new Schedules(this, "Schedules", settings, Functions.Jobs);
        Alarms = new Alarms(this, "Alarms", settings, Functions, Api);
        Signals = new SecuritySignals(this, "Signals", settings, Alarms.OperatorTopic);

        Amazon.CDK.Tags.Of(this).Add("omakase:stage", settings.Stage.Name);
        Output("ApiUrl", Api.RestApi.Url, "Invoke URL of the stage (disabled when a custom domain is set)");
        if (Api.RestApi.DomainName is { } domain)
        {
            Output("ApiDomainTarget", domain.DomainNameAliasDomainName, "Point a CNAME or alias record of the custom domain here");
        }

        Output("MainTableName", Tables.Main.TableName, "Omakase__Tables__Main");
        Output("AuditTableName", Tables.Audit.TableName, "Omakase__Tables__Audit");
        Output("DataKeyArn", Keys.DataKey.KeyArn, "Omakase__Keys__KmsKeyId");
        Output("SigningKeyArn", Keys.SigningKey.KeyArn, "Omakase__Keys__SigningKeyId");
        Output("BackupVaultName", Backups.Vault.BackupVaultName, "AWS Backup vault of the daily plan");
        Output("AlarmTopicArn", Alarms.OperatorTopic.TopicArn, "Subscribe operators here");
        Output("OperatorPasswordParameter", settings.OperatorPasswordParameter, "SecureString the admin function reads once, at bootstrap");
    }

    private static StackProps StackPropsFor(DeploymentSettings settings)
    {
        return new StackProps
        {
            // Guideline 3-2: the region is fixed; the account comes from context or the CLI's credentials, else stays a token.
            Env = new Amazon.CDK.Environment { Region = DeploymentSettings.Region, Account = settings.Account },
            Description = $"Omakase Robo security backend, stage {settings.Stage.Name}",
            TerminationProtection = settings.Stage.IsProductionLike,
        };
    }

    private void Output(string id, string value, string description) =>
        new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
