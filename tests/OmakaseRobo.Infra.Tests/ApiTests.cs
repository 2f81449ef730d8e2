using System.Text.Json;
using System.Text.RegularExpressions;
using static OmakaseRobo.Infra.Tests.TemplateJson;

namespace OmakaseRobo.Infra.Tests;

/// <summary>What API Gateway exposes: each route family to its function, nothing to /events, throttled, logged, behind WAF.</summary>
[Collection(SharedProdStage.Name)]
public sealed partial class ApiTests(ProdStage stage)
{
    [Fact]
    public void Each_route_family_reaches_only_the_function_of_its_module()
    {
        var expected = new Dictionary<string, string>
        {
            ["/healthz"] = "auth",
            ["/v1/auth/{proxy+}"] = "auth",
            ["/v1/me"] = "auth",
            ["/v1/me/{proxy+}"] = "auth",
            ["/oauth2/{proxy+}"] = "auth",
            ["/openapi/v1.json"] = "admin",
            ["/v1/tenants"] = "admin",
            ["/v1/tenants/{tenantId}"] = "admin",
            ["/v1/tenants/{tenantId}/{proxy+}"] = "admin",
            ["/v1/audit/{proxy+}"] = "admin",
            ["/v1/access-reviews/{proxy+}"] = "admin",
            ["/v1/compliance/{proxy+}"] = "admin",
            ["/v1/service-clients"] = "admin",
            ["/v1/service-clients/{proxy+}"] = "admin",
            ["/v1/permissions"] = "admin",
            ["/v1/permissions/{proxy+}"] = "admin",
            ["/v1/tenants/{tenantId}/notices"] = "incidents",
            ["/v1/incidents"] = "incidents",
            ["/v1/incidents/{proxy+}"] = "incidents",
            ["/v1/vulnerabilities"] = "incidents",
            ["/v1/vulnerabilities/{proxy+}"] = "incidents",
        };

        Assert.Equal(expected.OrderBy(route => route.Key), MappedRoutes().OrderBy(route => route.Key));
    }

    [Fact]
    public void Token_introspection_reaches_the_auth_function_and_nothing_else()
    {
        // MappedRoutes also checks that each method's integration invokes exactly one function.
        var oauth = MappedRoutes().Where(route => route.Key.StartsWith("/oauth2", StringComparison.Ordinal)).ToList();

        Assert.Equal([new KeyValuePair<string, string>("/oauth2/{proxy+}", "auth")], oauth);
    }

    [Fact]
    public void No_api_path_reaches_events_and_the_jobs_function_has_no_route()
    {
        var pathParts = stage.PropertiesOf("AWS::ApiGateway::Resource").Select(resource => resource.GetProperty("PathPart").GetString());
        Assert.DoesNotContain("events", pathParts);
        Assert.DoesNotContain(MappedRoutes().Keys, path => path == "/{proxy+}" || path.StartsWith("/events", StringComparison.Ordinal));
        Assert.DoesNotContain("jobs", MappedRoutes().Values);

        var jobsFunction = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Functions.Jobs.Node.DefaultChild!);
        var jobsInvokers = stage.PropertiesOf("AWS::Lambda::Permission")
            .Where(permission => ReferencedLogicalId(permission.GetProperty("FunctionName")) == jobsFunction)
            .Select(permission => permission.GetProperty("Principal").GetString());
        Assert.All(jobsInvokers, principal => Assert.Equal("events.amazonaws.com", principal));
    }

    [Fact]
    public void Web_acl_blocks_the_events_path_rate_limits_each_ip_and_applies_the_common_rule_set_to_the_stage()
    {
        var webAcl = Assert.Single(stage.Resources("AWS::WAFv2::WebACL"));
        var properties = webAcl.Resource.GetProperty("Properties");
        Assert.Equal("REGIONAL", properties.GetProperty("Scope").GetString());
        var rules = properties.GetProperty("Rules").EnumerateArray().ToList();
        Assert.Contains(rules, rule => rule.GetProperty("Statement").TryGetProperty("RateBasedStatement", out var rate)
            && rate.GetProperty("AggregateKeyType").GetString() == "IP");
        Assert.Contains(rules, rule => rule.GetProperty("Statement").TryGetProperty("ManagedRuleGroupStatement", out var managed)
            && managed.GetProperty("Name").GetString() == "AWSManagedRulesCommonRuleSet");

        var eventsRule = Assert.Single(rules, rule => rule.GetProperty("Statement").TryGetProperty("RegexMatchStatement", out _));
        var pattern = new Regex(eventsRule.GetProperty("Statement").GetProperty("RegexMatchStatement").GetProperty("RegexString").GetString()!);
        Assert.All(["/events", "/prod/events", "/events/", "/prod/events/x"], path => Assert.Matches(pattern, path));
        Assert.All(["/v1/tenants/t1/audit-events", "/prod/v1/me", "/healthz"], path => Assert.DoesNotMatch(pattern, path));

        var association = Assert.Single(stage.PropertiesOf("AWS::WAFv2::WebACLAssociation"));
        Assert.Equal(webAcl.LogicalId, ReferencedLogicalId(association.GetProperty("WebACLArn")));
        var apiStage = Assert.Single(stage.Resources("AWS::ApiGateway::Stage"));
        Assert.EndsWith($"/stages/{{{apiStage.LogicalId}}}", Render(association.GetProperty("ResourceArn")), StringComparison.Ordinal);
    }

    [Fact]
    public void Stage_is_throttled_traced_and_never_logs_request_bodies()
    {
        var apiStage = Assert.Single(stage.PropertiesOf("AWS::ApiGateway::Stage"));
        Assert.True(apiStage.GetProperty("TracingEnabled").GetBoolean());
        var settings = Assert.Single(apiStage.GetProperty("MethodSettings").EnumerateArray());
        Assert.Equal("/*", settings.GetProperty("ResourcePath").GetString());
        Assert.Equal(200, settings.GetProperty("ThrottlingRateLimit").GetDouble());
        Assert.Equal(400, settings.GetProperty("ThrottlingBurstLimit").GetInt32());
        Assert.False(settings.GetProperty("DataTraceEnabled").GetBoolean());
    }

    [Fact]
    public void Access_log_is_one_JSON_object_with_tls_version_request_id_ip_method_path_status_and_latency()
    {
        var apiStage = Assert.Single(stage.PropertiesOf("AWS::ApiGateway::Stage"));
        var accessLog = apiStage.GetProperty("AccessLogSetting");
        var accessLogGroup = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Api.AccessLogGroup.Node.DefaultChild!);
        Assert.Equal(accessLogGroup, ReferencedLogicalId(accessLog.GetProperty("DestinationArn")));

        // Numbers stay bare in the format; give them a sample value to read the line as JSON.
        using var line = JsonDocument.Parse(BareVariable().Replace(accessLog.GetProperty("Format").GetString()!, ":0"));
        var fields = line.RootElement.EnumerateObject().ToDictionary(field => field.Name, field => field.Value.ToString());
        Assert.Equal("$context.tlsVersion", fields["tlsVersion"]);
        Assert.Equal("$context.requestId", fields["requestId"]);
        Assert.Equal("$context.identity.sourceIp", fields["ip"]);
        Assert.Equal("$context.httpMethod", fields["method"]);
        Assert.Equal("$context.path", fields["path"]);
        Assert.Contains("status", fields.Keys);
        Assert.Contains("latency", fields.Keys);
    }

    /// <summary>Full path of every API method, and the module of the function its integration invokes.</summary>
    private Dictionary<string, string> MappedRoutes()
    {
        var resources = stage.Resources("AWS::ApiGateway::Resource")
            .ToDictionary(resource => resource.LogicalId, resource => resource.Resource.GetProperty("Properties"));
        var modules = stage.Resources("AWS::Lambda::Function").ToDictionary(
            function => function.LogicalId,
            function => function.Resource.GetProperty("Properties").GetProperty("FunctionName").GetString()!["omakase-prod-".Length..]);

        string PathOf(string resourceId)
        {
            var resource = resources[resourceId];
            var parent = ReferencedLogicalId(resource.GetProperty("ParentId"))!;
            var parentPath = resources.ContainsKey(parent) ? PathOf(parent) : string.Empty;
            return $"{parentPath}/{resource.GetProperty("PathPart").GetString()}";
        }

        return stage.PropertiesOf("AWS::ApiGateway::Method").ToDictionary(
            method => PathOf(ReferencedLogicalId(method.GetProperty("ResourceId"))!),
            method =>
            {
                var invoked = Assert.Single(FunctionsReferencedBy(method.GetProperty("Integration").GetProperty("Uri"), modules.Keys));
                return modules[invoked];
            });
    }

    private static IEnumerable<string> FunctionsReferencedBy(JsonElement value, IEnumerable<string> functionIds) =>
        functionIds.Where(functionId => value.GetRawText().Contains($"\"{functionId}\"", StringComparison.Ordinal));

    [GeneratedRegex(@":\$context\.[A-Za-z.]+")]
    private static partial Regex BareVariable();
}
