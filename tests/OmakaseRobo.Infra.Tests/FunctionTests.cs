using static OmakaseRobo.Infra.Tests.TemplateJson;

namespace OmakaseRobo.Infra.Tests;

/// <summary>The four copies of the published API: same artifact, native runtime, web adapter, module configuration.</summary>
[Collection(SharedProdStage.Name)]
public sealed class FunctionTests(ProdStage stage)
{
    [Fact]
    public void All_four_functions_run_the_native_build_behind_the_web_adapter()
    {
        var functions = stage.PropertiesOf("AWS::Lambda::Function").ToList();
        Assert.Equal(4, functions.Count);
        Assert.Single(functions.Select(function => function.GetProperty("Code").GetProperty("S3Key").GetString()).Distinct());
        Assert.All(functions, function =>
        {
            Assert.Equal("provided.al2023", function.GetProperty("Runtime").GetString());
            Assert.Equal("OmakaseRobo.Api", function.GetProperty("Handler").GetString());
            Assert.Equal(
                "arn:aws:lambda:ap-northeast-1:753240598075:layer:LambdaAdapterLayerX86:30",
                Assert.Single(function.GetProperty("Layers").EnumerateArray()).GetString());
            var environment = function.GetProperty("Environment").GetProperty("Variables");
            Assert.Equal("/opt/bootstrap", environment.GetProperty("AWS_LAMBDA_EXEC_WRAPPER").GetString());
            Assert.Equal("8080", environment.GetProperty("AWS_LWA_PORT").GetString());
            Assert.Equal("/healthz", environment.GetProperty("AWS_LWA_READINESS_CHECK_PATH").GetString());
            Assert.Equal("/events", environment.GetProperty("AWS_LWA_PASS_THROUGH_PATH").GetString());
            Assert.Equal("http://127.0.0.1:8080", environment.GetProperty("ASPNETCORE_URLS").GetString());
            Assert.Equal("prod", environment.GetProperty("Omakase__Stage").GetString());
        });

        var modules = functions.Select(function =>
            function.GetProperty("Environment").GetProperty("Variables").GetProperty("Omakase__Function").GetString());
        Assert.Equal(["admin", "auth", "incidents", "jobs"], modules.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Functions_are_told_their_tables_and_keys_and_only_jobs_learns_the_bootstrap_operator()
    {
        var tables = stage.Resources("AWS::DynamoDB::Table").Select(table => table.LogicalId).ToHashSet();
        var keys = stage.Resources("AWS::KMS::Key").Select(key => key.LogicalId).ToHashSet();
        foreach (var function in stage.PropertiesOf("AWS::Lambda::Function"))
        {
            var environment = function.GetProperty("Environment").GetProperty("Variables");
            Assert.Contains(ReferencedLogicalId(environment.GetProperty("Omakase__Tables__Main"))!, tables);
            Assert.Contains(ReferencedLogicalId(environment.GetProperty("Omakase__Tables__Audit"))!, tables);
            Assert.Contains(ReferencedLogicalId(environment.GetProperty("Omakase__Keys__KmsKeyId"))!, keys);
            Assert.Contains(ReferencedLogicalId(environment.GetProperty("Omakase__Keys__SigningKeyId"))!, keys);

            var isJobs = environment.GetProperty("Omakase__Function").GetString() == "jobs";
            Assert.Equal(isJobs, environment.TryGetProperty("Omakase__Bootstrap__OperatorEmail", out _));
            Assert.Equal(isJobs, environment.TryGetProperty("Omakase__Bootstrap__OperatorPasswordParameter", out _));
            // The password itself is never in the template: only the name of the SecureString that holds it.
            Assert.False(environment.TryGetProperty("Omakase__Bootstrap__OperatorPassword", out _));
        }
    }
}
