using Amazon.CDK;
using Amazon.CDK.AWS.Backup;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>
/// The one published API deployed four times (auth, admin, incidents, jobs) behind the Lambda Web Adapter. Each copy
/// has its own role naming only its tables, indexes and key operations, its own 30-day log group, and X-Ray tracing.
/// </summary>
public sealed class Functions : Construct
{
    public const string WebAdapterLayerArn = "arn:aws:lambda:ap-northeast-1:753240598075:layer:LambdaAdapterLayerX86:30";

    /// <summary>The path the adapter POSTs EventBridge events to; never mapped in API Gateway.</summary>
    public const string EventsPath = "/events";

    public Function Auth { get; }

    public Function Admin { get; }

    public Function Incidents { get; }

    public Function Jobs { get; }

    public IReadOnlyList<Function> All => [Auth, Admin, Incidents, Jobs];

    public LogGroup JobsLogGroup { get; }

    public Functions(Construct scope, string id, DeploymentSettings settings, Keys keys, Tables tables, Backups backups)
        : base(scope, id)
    {
        var factory = new FunctionFactory(this, settings, keys, tables);
        var dataKeyArn = keys.DataKey.KeyArn;
        var signingKeyArn = keys.SigningKey.KeyArn;
        string[] dataKeyUse = ["kms:GenerateDataKey", "kms:Decrypt"];

        Auth = factory.Create("auth", memoryMb: 1024, Duration.Seconds(15), new Dictionary<string, string>(),
        [
            Permissions.Table(tables.Main, TableAccess.ReadWriteDelete),
            Permissions.Table(tables.Audit, TableAccess.ReadWrite),
            Permissions.Allow(dataKeyUse, dataKeyArn),
        ]).Function;

        Admin = factory.Create("admin", memoryMb: 1024, Duration.Seconds(15), new Dictionary<string, string>(),
        [
            Permissions.Table(tables.Main, TableAccess.ReadWriteDelete),
            Permissions.Table(tables.Audit, TableAccess.ReadWrite),
            Permissions.Allow(dataKeyUse, dataKeyArn),
            Permissions.Allow(["kms:Sign", "kms:GetPublicKey"], signingKeyArn),
        ]).Function;

        Incidents = factory.Create("incidents", memoryMb: 512, Duration.Seconds(15), new Dictionary<string, string>(),
        [
            Permissions.Table(tables.Main, TableAccess.ReadWriteDelete),
            Permissions.Table(tables.Audit, TableAccess.ReadWrite),
            Permissions.Allow(dataKeyUse, dataKeyArn),
            Permissions.Allow(["kms:Sign", "kms:GetPublicKey", "kms:Verify"], signingKeyArn),
        ]).Function;

        var jobs = factory.Create("jobs", memoryMb: 1024, Duration.Minutes(15), JobsEnvironment(settings, backups),
        [
            Permissions.Table(tables.Main, TableAccess.Maintenance),
            Permissions.Table(tables.Audit, TableAccess.Maintenance),
            Permissions.Allow(dataKeyUse, dataKeyArn),
            Permissions.Allow(["kms:Sign", "kms:GetPublicKey"], signingKeyArn),
            // The jobs function bootstraps the platform operator (off the users' cold starts, docs/performance.md):
            // the first password is a SecureString the operator creates before the first deploy.
            Permissions.Allow(["ssm:GetParameter"], OperatorPasswordParameterArn(settings)),
            .. BackupVerificationStatements(settings, keys, tables, backups.Vault),
        ]);
        Jobs = jobs.Function;
        JobsLogGroup = jobs.LogGroup;
        // A failed job raises the alarm and runs again on its next schedule rather than being retried at once.
        Jobs.ConfigureAsyncInvoke(new EventInvokeConfigOptions { RetryAttempts = 0 });
    }

    private static Dictionary<string, string> BootstrapOperatorEnvironment(DeploymentSettings settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Omakase__Bootstrap__OperatorPasswordParameter"] = settings.OperatorPasswordParameter,
        };
        if (settings.OperatorEmail is { } email)
        {
            environment["Omakase__Bootstrap__OperatorEmail"] = email;
        }

        return environment;
    }

    private static Dictionary<string, string> JobsEnvironment(DeploymentSettings settings, Backups backups) => new(BootstrapOperatorEnvironment(settings))
    {
        ["Omakase__Backups__VaultName"] = backups.Vault.BackupVaultName,
        ["Omakase__Backups__RestoreTablePrefix"] = RestoreTestTablePrefix(settings),
        // A job that answers 5xx fails the invocation, so the jobs Errors alarm sees it.
        ["AWS_LWA_ERROR_STATUS_CODES"] = "500-599",
    };

    private static string RestoreTestTablePrefix(DeploymentSettings settings) => $"{settings.NamePrefix}-restore-test-";

    private string OperatorPasswordParameterArn(DeploymentSettings settings) => Stack.Of(this).FormatArn(new ArnComponents
    {
        Service = "ssm",
        Resource = "parameter",
        ResourceName = settings.OperatorPasswordParameter.TrimStart('/'),
        ArnFormat = ArnFormat.SLASH_RESOURCE_NAME,
    });

    // verify-backups: list the vault's recovery points, take an on-demand backup, restore it into a scratch table, read it, drop it.
    private IEnumerable<PolicyStatement> BackupVerificationStatements(
        DeploymentSettings settings, Keys keys, Tables tables, BackupVault vault)
    {
        var stack = Stack.Of(this);
        var tableArns = tables.All.Select(table => table.TableArn).ToArray();
        var backupArns = tableArns.Select(Permissions.BackupsOf).ToArray();
        var scratchTableArn = stack.FormatArn(new ArnComponents
        {
            Service = "dynamodb",
            Resource = "table",
            ResourceName = $"{RestoreTestTablePrefix(settings)}*",
        });
        var recoveryPoints = stack.FormatArn(new ArnComponents
        {
            Service = "backup",
            Resource = "recovery-point",
            ResourceName = "*",
            ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
        });

        yield return Permissions.Allow(["dynamodb:DescribeContinuousBackups", "dynamodb:CreateBackup"], tableArns);
        yield return Permissions.Allow(
            ["dynamodb:DescribeBackup", "dynamodb:DeleteBackup", "dynamodb:RestoreTableFromBackup"], backupArns);
        // ListBackups has no resource-level permissions in IAM.
        yield return Permissions.Allow(["dynamodb:ListBackups"], "*");
        // A restore writes the items into the new table, so it needs the item writes on the scratch table too.
        yield return Permissions.Allow(
            [
                "dynamodb:RestoreTableFromBackup", "dynamodb:DescribeTable", "dynamodb:DeleteTable",
                "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
            ],
            scratchTableArn,
            Permissions.IndexesOf(scratchTableArn));
        // The restored table is encrypted with the data key: DynamoDB creates its grant on the caller's behalf.
        yield return new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["kms:CreateGrant", "kms:DescribeKey"],
            Resources = [keys.DataKey.KeyArn],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object>
                {
                    ["kms:ViaService"] = $"dynamodb.{DeploymentSettings.Region}.amazonaws.com",
                },
                ["Bool"] = new Dictionary<string, object> { ["kms:GrantIsForAWSResource"] = "true" },
            },
        });
        yield return Permissions.Allow(["backup:ListRecoveryPointsByBackupVault"], vault.BackupVaultArn);
        yield return Permissions.Allow(["backup:DescribeRecoveryPoint"], [recoveryPoints, .. backupArns]);
    }

    /// <summary>Builds one function of the shared artifact with its role, log group and environment.</summary>
    private sealed class FunctionFactory(Construct scope, DeploymentSettings settings, Keys keys, Tables tables)
    {
        private readonly Code code = Code.FromAsset(settings.AssetPath);
        private readonly ILayerVersion webAdapter = LayerVersion.FromLayerVersionArn(scope, "WebAdapterLayer", WebAdapterLayerArn);

        public (Function Function, LogGroup LogGroup) Create(
            string module,
            int memoryMb,
            Duration timeout,
            Dictionary<string, string> moduleEnvironment,
            IEnumerable<PolicyStatement> statements)
        {
            var id = char.ToUpperInvariant(module[0]) + module[1..];
            var keepLogs = settings.Stage.IsProductionLike;

            // Guideline 18.1.3: logs are kept 30 days, encrypted with the data key.
            var logGroup = new LogGroup(scope, $"{id}Logs", new LogGroupProps
            {
                LogGroupName = $"{settings.LogGroupPrefix}lambda/{module}",
                Retention = RetentionDays.ONE_MONTH,
                EncryptionKey = keys.DataKey,
                RemovalPolicy = keepLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
            });

            var role = new Role(scope, $"{id}Role", new RoleProps
            {
                AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
                Description = $"Omakase Robo {settings.Stage.Name} {module} function: only its tables and key operations",
            });
            logGroup.GrantWrite(role);
            foreach (var statement in statements)
            {
                role.AddToPolicy(statement);
            }

            var function = new Function(scope, id, new FunctionProps
            {
                FunctionName = $"{settings.NamePrefix}-{module}",
                Description = $"Omakase Robo API ({module} routes)",
                Runtime = Runtime.PROVIDED_AL2023,
                Architecture = Architecture.X86_64,
                Code = code,
                // The layer's /opt/bootstrap runs $LAMBDA_TASK_ROOT/$_HANDLER, i.e. the native binary of the asset.
                Handler = DeploymentSettings.ApiExecutableName,
                Layers = [webAdapter],
                MemorySize = memoryMb,
                Timeout = timeout,
                Tracing = Tracing.ACTIVE,
                Role = role,
                LogGroup = logGroup,
                Environment = Environment(module, moduleEnvironment),
            });

            return (function, logGroup);
        }

        private Dictionary<string, string> Environment(string module, Dictionary<string, string> moduleEnvironment)
        {
            var environment = new Dictionary<string, string>
            {
                // Managed runtimes honour the wrapper; on provided.al2023 the layer's /opt/bootstrap plays the same part.
                ["AWS_LAMBDA_EXEC_WRAPPER"] = "/opt/bootstrap",
                ["AWS_LWA_PORT"] = "8080",
                ["AWS_LWA_READINESS_CHECK_PATH"] = "/healthz",
                ["AWS_LWA_PASS_THROUGH_PATH"] = EventsPath,
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:8080",
                ["Omakase__Function"] = module,
                ["Omakase__Stage"] = settings.Stage.Name,
                ["Omakase__Tables__Main"] = tables.Main.TableName,
                ["Omakase__Tables__Audit"] = tables.Audit.TableName,
                ["Omakase__Keys__KmsKeyId"] = keys.DataKey.KeyArn,
                ["Omakase__Keys__SigningKeyId"] = keys.SigningKey.KeyArn,
                ["Omakase__Compliance__TlsPolicy"] = Api.TlsSecurityPolicy, // what the compliance report states for 10.1.1
            };
            foreach (var (name, value) in moduleEnvironment)
            {
                environment[name] = value;
            }

            return environment;
        }
    }
}
