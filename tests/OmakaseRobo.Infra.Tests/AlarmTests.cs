using static OmakaseRobo.Infra.Tests.TemplateJson;

namespace OmakaseRobo.Infra.Tests;

/// <summary>12.3.1 and operations: what wakes an operator, and through which topic.</summary>
[Collection(SharedProdStage.Name)]
public sealed class AlarmTests(ProdStage stage)
{
    [Fact]
    public void Operators_are_told_of_failed_or_missing_backup_verification_job_errors_5xx_and_throttling()
    {
        var alarmNames = stage.PropertiesOf("AWS::CloudWatch::Alarm").Select(alarm => alarm.GetProperty("AlarmName").GetString());
        Assert.Equal(
            [
                "omakase-prod-api-5xx-rate",
                "omakase-prod-api-throttling",
                "omakase-prod-audit-outbox-age",
                "omakase-prod-backup-verification-failed",
                "omakase-prod-backup-verification-missing",
                "omakase-prod-credential-stuffing-failures",
                "omakase-prod-credential-stuffing-lockouts",
                "omakase-prod-function-throttles",
                "omakase-prod-job-errors",
                "omakase-prod-mfa-failures",
                "omakase-prod-storage-unavailable",
            ],
            alarmNames.Order(StringComparer.Ordinal));

        var topic = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Alarms.OperatorTopic.Node.DefaultChild!);
        Assert.All(stage.PropertiesOf("AWS::CloudWatch::Alarm"), alarm =>
            Assert.Equal(topic, ReferencedLogicalId(Assert.Single(alarm.GetProperty("AlarmActions").EnumerateArray()))));

        var subscription = Assert.Single(stage.PropertiesOf("AWS::SNS::Subscription"));
        Assert.Equal("email", subscription.GetProperty("Protocol").GetString());
        Assert.Equal("alarms@techhub.example", subscription.GetProperty("Endpoint").GetString());
    }

    [Fact]
    public void Backup_verification_failure_is_read_from_the_jobs_log_line_the_app_writes()
    {
        var jobsLogGroup = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Functions.JobsLogGroup.Node.DefaultChild!);
        var filters = stage.PropertiesOf("AWS::Logs::MetricFilter").ToDictionary(
            filter => filter.GetProperty("MetricTransformations")[0].GetProperty("MetricName").GetString()!);

        var failures = filters["BackupVerificationFailures"];
        Assert.Equal(jobsLogGroup, ReferencedLogicalId(failures.GetProperty("LogGroupName")));
        Assert.Equal(
            "{ ($.level = \"Error\") && ($.message = \"backup verification failed*\") }",
            failures.GetProperty("FilterPattern").GetString());
        Assert.Equal(
            "{ $.message = \"backup verification succeeded*\" }",
            filters["BackupVerificationSuccesses"].GetProperty("FilterPattern").GetString());
        Assert.Equal("{ $.errorType = \"THROTTLED\" }", filters["ApiThrottledRequests"].GetProperty("FilterPattern").GetString());
    }

    [Fact]
    public void Job_errors_alarm_watches_the_jobs_function_which_fails_on_5xx()
    {
        var jobsFunction = stage.Stack.GetLogicalId((Amazon.CDK.CfnElement)stage.Stack.Functions.Jobs.Node.DefaultChild!);
        var alarm = stage.PropertiesOf("AWS::CloudWatch::Alarm").Single(alarm => alarm.GetProperty("AlarmName").GetString() == "omakase-prod-job-errors");
        Assert.Equal("Errors", alarm.GetProperty("MetricName").GetString());
        var dimension = Assert.Single(alarm.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(jobsFunction, ReferencedLogicalId(dimension.GetProperty("Value")));

        var jobs = stage.Resources("AWS::Lambda::Function").Single(function => function.LogicalId == jobsFunction).Resource;
        var environment = jobs.GetProperty("Properties").GetProperty("Environment").GetProperty("Variables");
        Assert.Equal("500-599", environment.GetProperty("AWS_LWA_ERROR_STATUS_CODES").GetString());
    }
}
