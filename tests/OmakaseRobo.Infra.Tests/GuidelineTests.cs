using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Match = Amazon.CDK.Assertions.Match;
using static OmakaseRobo.Infra.Tests.TemplateJson;

namespace OmakaseRobo.Infra.Tests;

[CollectionDefinition(Name)]
public sealed class SharedProdStage : ICollectionFixture<ProdStage>
{
    public const string Name = "prod stage";
}

/// <summary>One test per infrastructure item of the cloud security guideline, against the synthesized prod stage.</summary>
[Collection(SharedProdStage.Name)]
public sealed partial class GuidelineTests(ProdStage stage)
{
    private string DataKey => stage.Stack.GetLogicalId((CfnElement)stage.Stack.Keys.DataKey.Node.DefaultChild!);

    private string SigningKey => stage.Stack.GetLogicalId((CfnElement)stage.Stack.Keys.SigningKey.Node.DefaultChild!);

    // 3-2 data location
    [Fact]
    public void Stack_lives_in_ap_northeast_1_and_names_no_other_region()
    {
        Assert.Equal("ap-northeast-1", stage.Stack.Region);
        var regionsNamed = AllStrings(stage.Json.RootElement)
            .SelectMany(text => AwsRegion().Matches(text).Select(match => match.Value))
            .Distinct();
        Assert.All(regionsNamed, region => Assert.Equal("ap-northeast-1", region));
    }

    // 3-2 data location, 12.3.1 backup
    [Fact]
    public void Backups_are_never_copied_out_of_the_region()
    {
        var rules = stage.PropertiesOf("AWS::Backup::BackupPlan")
            .SelectMany(plan => plan.GetProperty("BackupPlan").GetProperty("BackupPlanRule").EnumerateArray());
        Assert.All(rules, rule => Assert.False(rule.TryGetProperty("CopyActions", out _)));
    }

    // 10.1.1 cryptography: data at rest under the customer-managed key
    [Fact]
    public void Every_table_is_encrypted_with_the_customer_managed_data_key()
    {
        stage.Template.ResourceCountIs("AWS::DynamoDB::Table", 2);
        Assert.All(stage.PropertiesOf("AWS::DynamoDB::Table"), table =>
        {
            var encryption = table.GetProperty("SSESpecification");
            Assert.True(encryption.GetProperty("SSEEnabled").GetBoolean());
            Assert.Equal("KMS", encryption.GetProperty("SSEType").GetString());
            Assert.Equal(DataKey, ReferencedLogicalId(encryption.GetProperty("KMSMasterKeyId")));
        });
    }

    // 10.1.1 cryptography, 12.3.1 backup, 18.1.3 records
    [Fact]
    public void Backup_vault_and_every_log_group_are_encrypted_with_the_data_key()
    {
        Assert.All(stage.PropertiesOf("AWS::Backup::BackupVault"), vault =>
            Assert.Equal(DataKey, ReferencedLogicalId(vault.GetProperty("EncryptionKeyArn"))));
        Assert.All(stage.PropertiesOf("AWS::Logs::LogGroup"), logGroup =>
            Assert.Equal(DataKey, ReferencedLogicalId(logGroup.GetProperty("KmsKeyId"))));
    }

    // 10.1.1 cryptography: key management
    [Fact]
    public void Data_key_is_AES_256_and_rotates_while_the_signing_key_is_ECDSA_P256()
    {
        stage.Template.ResourceCountIs("AWS::KMS::Key", 2);
        var keys = stage.Resources("AWS::KMS::Key").ToDictionary(key => key.LogicalId, key => key.Resource.GetProperty("Properties"));

        Assert.Equal("SYMMETRIC_DEFAULT", keys[DataKey].GetProperty("KeySpec").GetString());
        Assert.Equal("ENCRYPT_DECRYPT", keys[DataKey].GetProperty("KeyUsage").GetString());
        Assert.True(keys[DataKey].GetProperty("EnableKeyRotation").GetBoolean());
        Assert.Equal("ECC_NIST_P256", keys[SigningKey].GetProperty("KeySpec").GetString());
        Assert.Equal("SIGN_VERIFY", keys[SigningKey].GetProperty("KeyUsage").GetString());
    }

    // 12.3.1 backup: restore to any second of the last 35 days as well
    [Fact]
    public void Every_table_has_point_in_time_recovery()
    {
        stage.Template.AllResourcesProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
        });
    }

    // 18.1.3 records: DynamoDB TTL removes expired items; the purge job guarantees it, reading them through gsi2
    [Fact]
    public void Every_table_has_the_shared_key_shape_both_indexes_and_ttl()
    {
        var names = stage.PropertiesOf("AWS::DynamoDB::Table").Select(table => table.GetProperty("TableName").GetString());
        Assert.Equal(["omakase-prod-main", "omakase-prod-audit"], names.Order().Reverse());
        stage.Template.AllResourcesProperties("AWS::DynamoDB::Table", Match.ObjectLike(new Dictionary<string, object>
        {
            ["BillingMode"] = "PAY_PER_REQUEST",
            ["KeySchema"] = new object[]
            {
                new Dictionary<string, object> { ["AttributeName"] = "pk", ["KeyType"] = "HASH" },
                new Dictionary<string, object> { ["AttributeName"] = "sk", ["KeyType"] = "RANGE" },
            },
            ["GlobalSecondaryIndexes"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["IndexName"] = "gsi1",
                    ["KeySchema"] = new object[]
                    {
                        new Dictionary<string, object> { ["AttributeName"] = "gsi1pk", ["KeyType"] = "HASH" },
                        new Dictionary<string, object> { ["AttributeName"] = "gsi1sk", ["KeyType"] = "RANGE" },
                    },
                    ["Projection"] = new Dictionary<string, object> { ["ProjectionType"] = "ALL" },
                },
                new Dictionary<string, object>
                {
                    ["IndexName"] = "gsi2",
                    ["KeySchema"] = new object[]
                    {
                        new Dictionary<string, object> { ["AttributeName"] = "gsi2pk", ["KeyType"] = "HASH" },
                        new Dictionary<string, object> { ["AttributeName"] = "gsi2sk", ["KeyType"] = "RANGE" },
                    },
                    ["Projection"] = new Dictionary<string, object> { ["ProjectionType"] = "KEYS_ONLY" },
                },
            },
            ["TimeToLiveSpecification"] = new Dictionary<string, object> { ["AttributeName"] = "ttl", ["Enabled"] = true },
        }));
    }

    // 12.1.2 stages: production data outlives the stack
    [Fact]
    public void Production_tables_are_retained_and_protected_from_deletion()
    {
        Assert.All(stage.Resources("AWS::DynamoDB::Table"), table =>
        {
            Assert.Equal("Retain", table.Resource.GetProperty("DeletionPolicy").GetString());
            Assert.True(table.Resource.GetProperty("Properties").GetProperty("DeletionProtectionEnabled").GetBoolean());
        });
        Assert.True(stage.Stack.TerminationProtection);
    }

    // 18.1.3 records: logs kept 30 days
    [Fact]
    public void Every_log_group_keeps_its_logs_30_days()
    {
        stage.Template.ResourceCountIs("AWS::Logs::LogGroup", 5);
        stage.Template.AllResourcesProperties("AWS::Logs::LogGroup", Match.ObjectLike(new Dictionary<string, object>
        {
            ["RetentionInDays"] = 30,
        }));
    }

    [Fact]
    public void Every_function_writes_to_its_own_30_day_log_group_with_active_tracing()
    {
        var logGroups = stage.Resources("AWS::Logs::LogGroup").Select(logGroup => logGroup.LogicalId).ToHashSet();
        var functionLogGroups = stage.PropertiesOf("AWS::Lambda::Function").Select(function =>
        {
            Assert.Equal("Active", function.GetProperty("TracingConfig").GetProperty("Mode").GetString());
            return ReferencedLogicalId(function.GetProperty("LoggingConfig").GetProperty("LogGroup"));
        }).ToList();

        Assert.Equal(4, functionLogGroups.Distinct().Count());
        Assert.All(functionLogGroups, logGroup => Assert.Contains(logGroup!, logGroups));
    }

    // 10.1.1 cryptography: TLS 1.2+ with 1.3 preferred
    [Fact]
    public void Custom_domain_accepts_only_TLS_1_3_and_1_2_with_strict_endpoint_access()
    {
        stage.Template.ResourceCountIs("AWS::ApiGateway::DomainName", 1);
        stage.Template.HasResourceProperties("AWS::ApiGateway::DomainName", new Dictionary<string, object>
        {
            ["DomainName"] = "api.omakase-robo.example",
            ["EndpointConfiguration"] = new Dictionary<string, object> { ["Types"] = new[] { "REGIONAL" } },
            ["SecurityPolicy"] = "SecurityPolicy_TLS13_1_2_2021_06",
            ["EndpointAccessMode"] = "STRICT",
            ["RegionalCertificateArn"] = Match.StringLikeRegexp("^arn:aws:acm:ap-northeast-1:"),
        });
    }

    // 10.1.1 cryptography: nobody bypasses the custom domain's TLS policy
    [Fact]
    public void Execute_api_endpoint_is_disabled_when_a_custom_domain_is_set_and_also_requires_modern_TLS()
    {
        stage.Template.HasResourceProperties("AWS::ApiGateway::RestApi", new Dictionary<string, object>
        {
            ["DisableExecuteApiEndpoint"] = true,
            ["SecurityPolicy"] = "SecurityPolicy_TLS13_1_2_2021_06",
            ["EndpointAccessMode"] = "STRICT",
        });
    }

    // 12.3.1 backup: daily, kept 30 days, both tables
    [Fact]
    public void Backup_plan_runs_daily_keeps_30_days_and_selects_both_tables()
    {
        stage.Template.HasResourceProperties("AWS::Backup::BackupPlan", new Dictionary<string, object>
        {
            ["BackupPlan"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["BackupPlanRule"] = new object[]
                {
                    Match.ObjectLike(new Dictionary<string, object>
                    {
                        ["ScheduleExpression"] = "cron(0 17 * * ? *)",
                        ["Lifecycle"] = new Dictionary<string, object> { ["DeleteAfterDays"] = 30 },
                    }),
                },
            }),
        });

        var selected = stage.PropertiesOf("AWS::Backup::BackupSelection")
            .SelectMany(selection => selection.GetProperty("BackupSelection").GetProperty("Resources").EnumerateArray())
            .Select(Render)
            .ToList();
        var tables = stage.Resources("AWS::DynamoDB::Table").Select(table => table.LogicalId);
        Assert.Equal(tables.Select(table => $"{{{table}}}").Order(), selected.Order());
    }

    // 12.3.1 backup: recovery points cannot be deleted early in production
    [Fact]
    public void Production_vault_refuses_early_deletion_of_recovery_points()
    {
        var vault = Assert.Single(stage.Resources("AWS::Backup::BackupVault"));
        Assert.Equal("Retain", vault.Resource.GetProperty("DeletionPolicy").GetString());
        var deny = Assert.Single(vault.Resource.GetProperty("Properties").GetProperty("AccessPolicy").GetProperty("Statement").EnumerateArray());
        Assert.Equal("Deny", deny.GetProperty("Effect").GetString());
        Assert.Contains("backup:DeleteRecoveryPoint", OneOrMany(deny.GetProperty("Action")).Select(action => action.GetString()));
    }

    // 18.1.3, 12.3.1, CLD.8.1.5, 9.2.3/9.4.4, 16.1.7, 16.1.1: the compliance jobs and the webhook retry sweep
    [Fact]
    public void Every_schedule_posts_an_EventBridge_event_naming_its_job_in_detail_job()
    {
        var jobsFunction = stage.Stack.GetLogicalId((CfnElement)stage.Stack.Functions.Jobs.Node.DefaultChild!);
        var expected = new Dictionary<string, string>
        {
            ["purge-records"] = "cron(0 18 * * ? *)",
            ["delete-terminated-tenants"] = "cron(30 18 * * ? *)",
            ["verify-backups"] = "cron(0 20 * * ? *)",
            ["review-privileged-access"] = "cron(0 0 1 * ? *)",
            ["verify-audit-chain"] = "cron(15 * * * ? *)",
            ["retry-webhooks"] = "cron(0/5 * * * ? *)",
            ["compliance-report"] = "cron(0 1 1 * ? *)",
        };

        var scheduled = stage.PropertiesOf("AWS::Events::Rule").Select(rule =>
        {
            var target = Assert.Single(rule.GetProperty("Targets").EnumerateArray());
            Assert.Equal(jobsFunction, ReferencedLogicalId(target.GetProperty("Arn")));
            var transformer = target.GetProperty("InputTransformer");
            using var posted = JsonDocument.Parse(
                Placeholder().Replace(transformer.GetProperty("InputTemplate").GetString()!, "\"<$1>\""));
            var paths = transformer.GetProperty("InputPathsMap");

            // The envelope is the real scheduled event's, field by field.
            Assert.Equal("0", posted.RootElement.GetProperty("version").GetString());
            foreach (var field in new[] { "id", "detail-type", "source", "account", "time", "region", "resources" })
            {
                Assert.Equal($"<{field}>", posted.RootElement.GetProperty(field).GetString());
                Assert.Equal($"$.{field}", paths.GetProperty(field).GetString());
            }

            var job = posted.RootElement.GetProperty("detail").GetProperty("job").GetString()!;
            return (Job: job, Schedule: rule.GetProperty("ScheduleExpression").GetString()!);
        }).ToDictionary(rule => rule.Job, rule => rule.Schedule);

        Assert.Equal(expected.OrderBy(job => job.Key), scheduled.OrderBy(job => job.Key));
    }

    [GeneratedRegex(@"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d\b")]
    private static partial Regex AwsRegion();

    [GeneratedRegex("<([a-z-]+)>")]
    private static partial Regex Placeholder();
}
