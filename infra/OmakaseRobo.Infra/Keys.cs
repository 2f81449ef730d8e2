using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>
/// Guideline 10.1.1: the customer-managed keys. The data key (AES-256, rotated yearly) encrypts the tables, the backup
/// vault, the log groups and the app's envelope-encrypted secrets; the signing key (ECDSA P-256) signs audit checkpoints.
/// </summary>
public sealed class Keys : Construct
{
    // Key management the account may delegate through IAM; listed one by one so no policy holds kms:*.
    private static readonly string[] AdministrationActions =
    [
        "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:ListKeyPolicies",
        "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:ListKeyRotations",
        "kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription",
        "kms:TagResource", "kms:UntagResource", "kms:ListResourceTags",
        "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
        "kms:ListGrants", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
    ];

    // Uses of the data key that IAM policies may grant: the functions' own calls, and the grants DynamoDB and AWS Backup create for themselves.
    private static readonly string[] DataKeyUsageActions =
    [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
        "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant", "kms:RetireGrant",
    ];

    private static readonly string[] SigningKeyUsageActions = ["kms:Sign", "kms:Verify", "kms:GetPublicKey"];

    // What CloudWatch Logs needs to encrypt and read the stage's log groups with the data key.
    private static readonly string[] LogEncryptionActions =
    [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
        "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
    ];

    public Key DataKey { get; }

    public Key SigningKey { get; }

    public Keys(Construct scope, string id, DeploymentSettings settings)
        : base(scope, id)
    {
        var removalPolicy = settings.Stage.IsProductionLike ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

        var dataKeyPolicy = new PolicyDocument();
        dataKeyPolicy.AddStatements(
            AccountMayDelegateThroughIam("AccountAdministersKey", AdministrationActions),
            AccountMayDelegateThroughIam("AccountUsesKeyThroughIam", DataKeyUsageActions),
            CloudWatchLogsEncryptsStageLogGroups(settings));

        DataKey = new Key(this, "DataKey", new KeyProps
        {
            Alias = $"alias/{settings.NamePrefix}-data",
            Description = $"Omakase Robo {settings.Stage.Name}: tables, backups, logs and envelope encryption of secrets",
            KeySpec = KeySpec.SYMMETRIC_DEFAULT,
            KeyUsage = KeyUsage.ENCRYPT_DECRYPT,
            EnableKeyRotation = true,
            Policy = dataKeyPolicy,
            PendingWindow = Duration.Days(settings.Stage.IsProductionLike ? 30 : 7),
            RemovalPolicy = removalPolicy,
        });

        var signingKeyPolicy = new PolicyDocument();
        signingKeyPolicy.AddStatements(
            AccountMayDelegateThroughIam("AccountAdministersKey", AdministrationActions),
            AccountMayDelegateThroughIam("AccountUsesKeyThroughIam", SigningKeyUsageActions));

        // Asymmetric keys cannot rotate automatically: a new key means a new checkpoint public key.
        SigningKey = new Key(this, "AuditSigningKey", new KeyProps
        {
            Alias = $"alias/{settings.NamePrefix}-audit-signing",
            Description = $"Omakase Robo {settings.Stage.Name}: signs audit-trail checkpoints (ECDSA P-256, SHA-256)",
            KeySpec = KeySpec.ECC_NIST_P256,
            KeyUsage = KeyUsage.SIGN_VERIFY,
            Policy = signingKeyPolicy,
            PendingWindow = Duration.Days(settings.Stage.IsProductionLike ? 30 : 7),
            RemovalPolicy = removalPolicy,
        });
    }

    // The account root as principal hands these actions to IAM: each function's role then names the key and its own operations.
    private static PolicyStatement AccountMayDelegateThroughIam(string sid, string[] actions) => new(new PolicyStatementProps
    {
        Sid = sid,
        Principals = [new AccountRootPrincipal()],
        Actions = actions,
        Resources = ["*"],
    });

    private PolicyStatement CloudWatchLogsEncryptsStageLogGroups(DeploymentSettings settings)
    {
        var stageLogGroups = Stack.Of(this).FormatArn(new ArnComponents
        {
            Service = "logs",
            Resource = "log-group",
            ResourceName = $"{settings.LogGroupPrefix}*",
            ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
        });

        return new PolicyStatement(new PolicyStatementProps
        {
            Sid = "CloudWatchLogsEncryptsStageLogGroups",
            Principals = [new ServicePrincipal($"logs.{DeploymentSettings.Region}.amazonaws.com")],
            Actions = LogEncryptionActions,
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object> { ["kms:EncryptionContext:aws:logs:arn"] = stageLogGroups },
            },
        });
    }
}
