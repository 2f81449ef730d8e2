namespace OmakaseRobo.Infra.Tests;

/// <summary>18.2.1: the signed compliance report is made and stored every month by the jobs function, and states the TLS policy in force.</summary>
[Collection(SharedProdStage.Name)]
public sealed class ComplianceScheduleTests(ProdStage stage)
{
    [Fact]
    public void The_compliance_report_job_runs_monthly_in_the_jobs_function()
    {
        var rule = Assert.Single(stage.PropertiesOf("AWS::Events::Rule"), rule => rule.GetProperty("Name").GetString()!.EndsWith("-compliance-report", StringComparison.Ordinal));

        Assert.Equal("cron(0 1 1 * ? *)", rule.GetProperty("ScheduleExpression").GetString());
        Assert.StartsWith("18.2.1", rule.GetProperty("Description").GetString(), StringComparison.Ordinal);
        var target = Assert.Single(rule.GetProperty("Targets").EnumerateArray());
        Assert.Contains("\"job\":\"compliance-report\"", target.GetProperty("InputTransformer").GetProperty("InputTemplate").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, target.GetProperty("RetryPolicy").GetProperty("MaximumRetryAttempts").GetInt32());
    }

    [Fact]
    public void Every_function_is_told_the_tls_policy_the_api_enforces()
    {
        Assert.All(stage.PropertiesOf("AWS::Lambda::Function"), function => Assert.Equal(
            "SecurityPolicy_TLS13_1_2_2021_06",
            function.GetProperty("Environment").GetProperty("Variables").GetProperty("Omakase__Compliance__TlsPolicy").GetString()));
    }
}
