using System.Text.Json;
using static OmakaseRobo.Infra.Tests.TemplateJson;

namespace OmakaseRobo.Infra.Tests;

/// <summary>The app's own metrics (embedded metric format, namespace OmakaseRobo) raise alarms and fill one dashboard.</summary>
[Collection(SharedProdStage.Name)]
public sealed class SecuritySignalTests(ProdStage stage)
{
    [Theory]
    [InlineData("omakase-prod-credential-stuffing-failures", "SignInFailed", "Sum", 100, 1)]
    [InlineData("omakase-prod-credential-stuffing-lockouts", "SignInLockedOut", "Sum", 10, 1)]
    [InlineData("omakase-prod-mfa-failures", "MfaFailed", "Sum", 20, 1)]
    [InlineData("omakase-prod-storage-unavailable", "DependencyUnavailable", "Sum", 5, 2)]
    [InlineData("omakase-prod-audit-outbox-age", "AuditOutboxOldestAgeSeconds", "Maximum", 900, 1)]
    public void Each_signal_alarms_the_operators_on_the_metric_the_app_writes(string alarmName, string metric, string statistic, double threshold, int periods)
    {
        var alarm = Alarm(alarmName);
        Assert.Equal("OmakaseRobo", alarm.GetProperty("Namespace").GetString());
        Assert.Equal(metric, alarm.GetProperty("MetricName").GetString());
        Assert.Equal(statistic, alarm.GetProperty("Statistic").GetString());
        Assert.Equal(threshold, alarm.GetProperty("Threshold").GetDouble());
        Assert.Equal(periods, alarm.GetProperty("EvaluationPeriods").GetInt32());
        Assert.Equal("GreaterThanOrEqualToThreshold", alarm.GetProperty("ComparisonOperator").GetString());
        var dimension = Assert.Single(alarm.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal("Stage", dimension.GetProperty("Name").GetString());
        Assert.Equal("prod", dimension.GetProperty("Value").GetString());

        var topic = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Alarms.OperatorTopic.Node.DefaultChild!);
        Assert.Equal(topic, ReferencedLogicalId(Assert.Single(alarm.GetProperty("AlarmActions").EnumerateArray())));
        Assert.Equal(topic, ReferencedLogicalId(Assert.Single(alarm.GetProperty("OKActions").EnumerateArray())));
    }

    [Fact]
    public void One_dashboard_shows_sign_ins_mfa_503s_webhooks_the_outbox_and_jobs()
    {
        var dashboard = Assert.Single(stage.PropertiesOf("AWS::CloudWatch::Dashboard"));
        Assert.Equal("omakase-prod-operations", dashboard.GetProperty("DashboardName").GetString());
        var body = string.Concat(AllStrings(dashboard.GetProperty("DashboardBody")));
        foreach (var metric in new[] { "SignInSucceeded", "SignInFailed", "SignInLockedOut", "MfaFailed", "DependencyUnavailable", "WebhookDeliveryFailed", "AuditOutboxOldestAgeSeconds", "JobSucceeded", "JobFailed" })
        {
            Assert.Contains($"\"{metric}\"", body, StringComparison.Ordinal);
        }

        Assert.Contains("\"OmakaseRobo\"", body, StringComparison.Ordinal);
        Assert.Contains("\"dynamodb\"", body, StringComparison.Ordinal);
    }

    private JsonElement Alarm(string name) =>
        stage.PropertiesOf("AWS::CloudWatch::Alarm").Single(alarm => alarm.GetProperty("AlarmName").GetString() == name);
}
