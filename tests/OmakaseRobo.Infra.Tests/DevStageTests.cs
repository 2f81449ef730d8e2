using Amazon.CDK.Assertions;

namespace OmakaseRobo.Infra.Tests;

/// <summary>12.1.2: dev is the same app with only the values a stage may change.</summary>
public sealed class DevStageTests(DevStage stage) : IClassFixture<DevStage>
{
    [Fact]
    public void Dev_synthesizes_without_optional_context_and_keeps_the_execute_api_endpoint()
    {
        stage.Template.ResourceCountIs("AWS::ApiGateway::DomainName", 0);
        stage.Template.HasResourceProperties("AWS::ApiGateway::RestApi", new Dictionary<string, object>
        {
            ["DisableExecuteApiEndpoint"] = false,
            ["SecurityPolicy"] = "SecurityPolicy_TLS13_1_2_2021_06",
            ["EndpointAccessMode"] = "STRICT",
        });
        stage.Template.ResourceCountIs("AWS::SNS::Subscription", 0);
    }

    [Fact]
    public void Dev_tables_may_be_destroyed_with_the_stack_but_keep_every_protection_of_prod()
    {
        Assert.All(stage.Resources("AWS::DynamoDB::Table"), table =>
        {
            Assert.Equal("Delete", table.Resource.GetProperty("DeletionPolicy").GetString());
            var properties = table.Resource.GetProperty("Properties");
            Assert.False(properties.GetProperty("DeletionProtectionEnabled").GetBoolean());
            Assert.True(properties.GetProperty("PointInTimeRecoverySpecification").GetProperty("PointInTimeRecoveryEnabled").GetBoolean());
            Assert.Equal("KMS", properties.GetProperty("SSESpecification").GetProperty("SSEType").GetString());
        });
        Assert.False(stage.Stack.TerminationProtection);
        stage.Template.AllResourcesProperties("AWS::Logs::LogGroup", Match.ObjectLike(new Dictionary<string, object>
        {
            ["RetentionInDays"] = 30,
        }));
    }

    [Fact]
    public void Dev_is_named_and_throttled_as_its_own_stage()
    {
        Assert.Equal("omakase-dev", stage.Stack.StackName);
        Assert.Equal("ap-northeast-1", stage.Stack.Region);
        var apiStage = Assert.Single(stage.PropertiesOf("AWS::ApiGateway::Stage"));
        Assert.Equal("dev", apiStage.GetProperty("StageName").GetString());
        Assert.Equal(20, apiStage.GetProperty("MethodSettings")[0].GetProperty("ThrottlingRateLimit").GetDouble());
    }
}
