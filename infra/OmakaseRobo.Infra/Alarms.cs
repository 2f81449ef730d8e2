using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>
/// The operators' SNS topic and the alarms that tell them something needs a person: a backup that could not be
/// restored (or a day with no verification at all), a failed job, a rising 5xx rate, and throttling.
/// </summary>
public sealed class Alarms : Construct
{
    /// <summary>The jobs function logs a JSON line whose `message` starts with this when a restore test fails.</summary>
    public const string BackupVerificationFailedMessage = "backup verification failed";

    /// <summary>The jobs function logs a JSON line whose `message` starts with this when a restore test passes.</summary>
    public const string BackupVerificationSucceededMessage = "backup verification succeeded";

    private readonly SnsAction notifyOperators;

    public Topic OperatorTopic { get; }

    public Alarms(Construct scope, string id, DeploymentSettings settings, Functions functions, Api api)
        : base(scope, id)
    {
        OperatorTopic = new Topic(this, "OperatorTopic", new TopicProps
        {
            TopicName = $"{settings.NamePrefix}-alarms",
            DisplayName = $"Omakase Robo {settings.Stage.Name} alarms",
            EnforceSSL = true,
        });
        if (settings.AlarmEmail is { } email)
        {
            OperatorTopic.AddSubscription(new EmailSubscription(email));
        }

        notifyOperators = new SnsAction(OperatorTopic);
        var metricNamespace = $"OmakaseRobo/{settings.Stage.Name}";
        var prefix = settings.NamePrefix;

        var verificationFailures = CountLogLines(
            "BackupVerificationFailures", functions.JobsLogGroup, metricNamespace,
            FilterPattern.All(
                FilterPattern.StringValue("$.level", "=", "Error"),
                FilterPattern.StringValue("$.message", "=", $"{BackupVerificationFailedMessage}*")));
        Raise("BackupVerificationFailed", new AlarmProps
        {
            AlarmName = $"{prefix}-backup-verification-failed",
            AlarmDescription = "12.3.1: the verify-backups job could not restore a backup. Check the jobs log group.",
            Metric = verificationFailures.With(new MetricOptions { Statistic = "Sum", Period = Duration.Minutes(5) }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        // A job that silently stops running proves nothing: no success line for 30 hours is an alarm too.
        var verificationSuccesses = CountLogLines(
            "BackupVerificationSuccesses", functions.JobsLogGroup, metricNamespace,
            FilterPattern.StringValue("$.message", "=", $"{BackupVerificationSucceededMessage}*"));
        Raise("BackupVerificationMissing", new AlarmProps
        {
            AlarmName = $"{prefix}-backup-verification-missing",
            AlarmDescription = "12.3.1: no successful restore test in the last 30 hours.",
            Metric = verificationSuccesses.With(new MetricOptions { Statistic = "Sum", Period = Duration.Hours(6) }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.LESS_THAN_THRESHOLD,
            EvaluationPeriods = 5,
            DatapointsToAlarm = 5,
            TreatMissingData = TreatMissingData.BREACHING,
        });

        Raise("JobErrors", new AlarmProps
        {
            AlarmName = $"{prefix}-job-errors",
            AlarmDescription = "A scheduled compliance job failed (answered 5xx or crashed).",
            Metric = functions.Jobs.MetricErrors(new MetricOptions { Statistic = "Sum", Period = Duration.Minutes(5) }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        var fiveMinuteSum = new MetricOptions { Statistic = "Sum", Period = Duration.Minutes(5) };
        Raise("Api5xxRate", new AlarmProps
        {
            AlarmName = $"{prefix}-api-5xx-rate",
            AlarmDescription = "More than 5% of API requests answered 5xx (in periods with at least 20 requests).",
            Metric = new MathExpression(new MathExpressionProps
            {
                Label = "5xx %",
                Expression = "IF(requests >= 20, 100 * errors / requests, 0)",
                UsingMetrics = new Dictionary<string, IMetric>
                {
                    ["errors"] = api.RestApi.MetricServerError(fiveMinuteSum),
                    ["requests"] = api.RestApi.MetricCount(fiveMinuteSum),
                },
                Period = Duration.Minutes(5),
            }),
            Threshold = 5,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 3,
            DatapointsToAlarm = 2,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        // The app's own 429 (sign-in lock-out) is not throttling; API Gateway marks its own with errorType THROTTLED.
        var throttledRequests = CountLogLines(
            "ApiThrottledRequests", api.AccessLogGroup, metricNamespace,
            FilterPattern.StringValue("$.errorType", "=", "THROTTLED"));
        Raise("ApiThrottling", new AlarmProps
        {
            AlarmName = $"{prefix}-api-throttling",
            AlarmDescription = "API Gateway answered 429 because the stage throttling limit was reached.",
            Metric = throttledRequests.With(fiveMinuteSum),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });

        Raise("FunctionThrottles", new AlarmProps
        {
            AlarmName = $"{prefix}-function-throttles",
            AlarmDescription = "Lambda throttled one of the functions (account or reserved concurrency reached).",
            Metric = new MathExpression(new MathExpressionProps
            {
                Label = "throttles",
                Expression = string.Join(" + ", functions.All.Select((_, index) => $"throttles{index}")),
                UsingMetrics = functions.All
                    .Select((function, index) => (Name: $"throttles{index}", Metric: (IMetric)function.MetricThrottles(fiveMinuteSum)))
                    .ToDictionary(pair => pair.Name, pair => pair.Metric),
                Period = Duration.Minutes(5),
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
    }

    private Metric CountLogLines(string metricName, ILogGroup logGroup, string metricNamespace, IFilterPattern pattern) =>
        new MetricFilter(this, $"{metricName}Filter", new MetricFilterProps
        {
            LogGroup = logGroup,
            FilterPattern = pattern,
            MetricNamespace = metricNamespace,
            MetricName = metricName,
            MetricValue = "1",
        }).Metric();

    private void Raise(string id, AlarmProps props)
    {
        var alarm = new Alarm(this, id, props);
        alarm.AddAlarmAction(notifyOperators);
        alarm.AddOkAction(notifyOperators);
    }
}
