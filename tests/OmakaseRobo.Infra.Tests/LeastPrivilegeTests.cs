using System.Text.Json;
using static OmakaseRobo.Infra.Tests.TemplateJson;

namespace OmakaseRobo.Infra.Tests;

/// <summary>9.2.2 / CLD.6.3.1: every permission in the stack is spelled out and names what it applies to.</summary>
[Collection(SharedProdStage.Name)]
public sealed class LeastPrivilegeTests(ProdStage stage)
{
    /// <summary>Actions IAM cannot scope to a resource, so `*` is the only resource they accept.</summary>
    private static readonly Dictionary<string, string> ActionsWithoutResourceLevelPermissions = new()
    {
        ["xray:PutTraceSegments"] = "X-Ray has no resource-level permissions; Lambda's active tracing needs it.",
        ["xray:PutTelemetryRecords"] = "X-Ray has no resource-level permissions; Lambda's active tracing needs it.",
        ["dynamodb:ListBackups"] = "ListBackups is authorised on * only; the job then names each backup it reads.",
    };

    /// <summary>AWS-managed policies the stack may attach, each to a role only an AWS service assumes.</summary>
    private static readonly Dictionary<string, string> AllowedManagedPolicies = new()
    {
        ["service-role/AWSBackupServiceRolePolicyForBackup"] =
            "AWS Backup's own role policy: it snapshots the selected tables and keeps its recovery points.",
        ["service-role/AmazonAPIGatewayPushToCloudWatchLogs"] =
            "The account-level role API Gateway uses to write access logs into log groups it names itself.",
    };

    [Fact]
    public void No_policy_statement_allows_a_wildcard_action_or_an_unnamed_resource()
    {
        var problems = new List<string>();
        foreach (var (source, statement, isKeyPolicy) in AllowStatements())
        {
            if (statement.TryGetProperty("NotAction", out _) || statement.TryGetProperty("NotResource", out _))
            {
                problems.Add($"{source}: NotAction/NotResource allow everything but a list");
            }

            var actions = OneOrMany(statement.GetProperty("Action")).Select(action => action.GetString()!).ToList();
            problems.AddRange(actions.Where(action => action.Contains('*', StringComparison.Ordinal))
                .Select(action => $"{source}: wildcard action {action}"));

            // In a key policy, Resource "*" means the key the policy is attached to.
            var resources = OneOrMany(statement.GetProperty("Resource")).ToList();
            var unnamed = resources.Any(resource => resource.ValueKind == JsonValueKind.String && resource.GetString() == "*");
            if (unnamed && !isKeyPolicy)
            {
                problems.AddRange(actions.Where(action => !ActionsWithoutResourceLevelPermissions.ContainsKey(action))
                    .Select(action => $"{source}: {action} on resource * although its resource can be named"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(System.Environment.NewLine, problems));
    }

    [Fact]
    public void Key_policies_trust_only_the_account_and_cloudwatch_logs_for_the_stage_log_groups()
    {
        var principals = stage.PropertiesOf("AWS::KMS::Key")
            .SelectMany(key => key.GetProperty("KeyPolicy").GetProperty("Statement").EnumerateArray())
            .Select(statement => statement.GetProperty("Principal"))
            .Select(principal => principal.TryGetProperty("Service", out var service) ? service.GetString()! : Render(principal.GetProperty("AWS")))
            .Distinct()
            .Order();
        Assert.Equal(["arn:aws:iam::000000000000:root", "logs.ap-northeast-1.amazonaws.com"], principals);

        var logsStatement = stage.PropertiesOf("AWS::KMS::Key")
            .SelectMany(key => key.GetProperty("KeyPolicy").GetProperty("Statement").EnumerateArray())
            .Single(statement => statement.GetProperty("Principal").TryGetProperty("Service", out _));
        Assert.Equal(
            "arn:aws:logs:ap-northeast-1:000000000000:log-group:/omakase/prod/*",
            Render(logsStatement.GetProperty("Condition").GetProperty("ArnLike").GetProperty("kms:EncryptionContext:aws:logs:arn")));
    }

    [Fact]
    public void Only_allow_listed_AWS_managed_policies_are_attached()
    {
        var attached = stage.PropertiesOf("AWS::IAM::Role")
            .Where(role => role.TryGetProperty("ManagedPolicyArns", out _))
            .SelectMany(role => role.GetProperty("ManagedPolicyArns").EnumerateArray())
            .Select(arn => Render(arn).Split(":iam::aws:policy/")[1]);
        Assert.All(attached, policy => Assert.Contains(policy, AllowedManagedPolicies.Keys));
    }

    [Fact]
    public void Each_function_gets_only_the_key_operations_and_table_actions_its_module_uses()
    {
        var actions = stage.Stack.Functions.All.ToDictionary(
            function => function.Node.Id.ToLowerInvariant(),
            function => FunctionActions(stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)function.Role!.Node.DefaultChild!)));

        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], KeyActions(actions["auth"]));
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey", "kms:GetPublicKey", "kms:Sign"], KeyActions(actions["admin"]));
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey", "kms:GetPublicKey", "kms:Sign", "kms:Verify"], KeyActions(actions["incidents"]));
        Assert.Equal(["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GetPublicKey", "kms:Sign"], KeyActions(actions["jobs"]));

        // Only the jobs function reads the bootstrap password (it bootstraps the operator); only jobs scan, restore and drop tables.
        Assert.Equal(["jobs"], actions.Where(function => function.Value.Contains("ssm:GetParameter")).Select(function => function.Key));
        foreach (var jobsOnly in new[] { "dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:RestoreTableFromBackup", "backup:ListRecoveryPointsByBackupVault" })
        {
            Assert.Equal(["jobs"], actions.Where(function => function.Value.Contains(jobsOnly)).Select(function => function.Key));
        }
    }

    [Fact]
    public void Api_functions_cannot_delete_from_the_audit_trail()
    {
        var auditTable = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Tables.Audit.Node.DefaultChild!);
        foreach (var function in new[] { stage.Stack.Functions.Auth, stage.Stack.Functions.Admin, stage.Stack.Functions.Incidents })
        {
            var role = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)function.Role!.Node.DefaultChild!);
            var onAudit = RoleStatements(role)
                .Where(statement => OneOrMany(statement.GetProperty("Resource")).Any(resource => Render(resource).Contains($"{{{auditTable}}}", StringComparison.Ordinal)))
                .SelectMany(statement => OneOrMany(statement.GetProperty("Action")).Select(action => action.GetString()));
            Assert.DoesNotContain("dynamodb:DeleteItem", onAudit);
            Assert.DoesNotContain("dynamodb:BatchWriteItem", onAudit);
        }
    }

    // 18.1.3: the purge job reads what expired through the indexes of both tables and deletes it in batches.
    [Fact]
    public void The_jobs_function_may_query_the_indexes_and_batch_delete_in_both_tables()
    {
        var role = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Functions.Jobs.Role!.Node.DefaultChild!);
        var statements = RoleStatements(role).ToList();
        foreach (var table in stage.Stack.Tables.All)
        {
            var arn = $"{{{stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)table.Node.DefaultChild!)}}}";
            bool Allows(string action, string resource) => statements.Any(statement =>
                OneOrMany(statement.GetProperty("Action")).Any(a => a.GetString() == action)
                && OneOrMany(statement.GetProperty("Resource")).Any(r => Render(r) == resource));

            Assert.True(Allows("dynamodb:Query", $"{arn}/index/*"), $"Query on the indexes of {arn}");
            Assert.True(Allows("dynamodb:BatchGetItem", arn), $"BatchGetItem on {arn}");
            Assert.True(Allows("dynamodb:BatchWriteItem", arn), $"BatchWriteItem on {arn}");
        }
    }

    private static List<string> KeyActions(HashSet<string> actions) =>
        [.. actions.Where(action => action.StartsWith("kms:", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private HashSet<string> FunctionActions(string roleLogicalId) =>
        RoleStatements(roleLogicalId)
            .SelectMany(statement => OneOrMany(statement.GetProperty("Action")).Select(action => action.GetString()!))
            .ToHashSet();

    private IEnumerable<JsonElement> RoleStatements(string roleLogicalId) =>
        stage.PropertiesOf("AWS::IAM::Policy")
            .Where(policy => policy.GetProperty("Roles").EnumerateArray().Any(role => ReferencedLogicalId(role) == roleLogicalId))
            .SelectMany(policy => policy.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray());

    /// <summary>Every Allow statement of every identity policy, inline role policy and key policy in the template.</summary>
    private IEnumerable<(string Source, JsonElement Statement, bool IsKeyPolicy)> AllowStatements()
    {
        foreach (var (logicalId, resource) in stage.Json.RootElement.GetProperty("Resources").EnumerateObject().Select(r => (r.Name, r.Value)))
        {
            var type = resource.GetProperty("Type").GetString();
            if (!resource.TryGetProperty("Properties", out var properties))
            {
                continue;
            }

            var documents = type switch
            {
                "AWS::IAM::Policy" or "AWS::IAM::ManagedPolicy" => [properties.GetProperty("PolicyDocument")],
                "AWS::IAM::Role" when properties.TryGetProperty("Policies", out var inline) =>
                    inline.EnumerateArray().Select(policy => policy.GetProperty("PolicyDocument")).ToList(),
                "AWS::KMS::Key" => [properties.GetProperty("KeyPolicy")],
                _ => new List<JsonElement>(),
            };

            foreach (var statement in documents.SelectMany(document => document.GetProperty("Statement").EnumerateArray()))
            {
                if (statement.GetProperty("Effect").GetString() == "Allow")
                {
                    yield return ($"{type} {logicalId}", statement, type == "AWS::KMS::Key");
                }
            }
        }
    }
}
