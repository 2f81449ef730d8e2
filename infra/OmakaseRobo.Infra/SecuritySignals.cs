using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.SNS;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>
/// What the app reports about itself in CloudWatch embedded metric format (namespace <see cref="Namespace"/>, dimension
/// Stage; see Platform/Metrics/MetricsWriter.cs): alarms on the security and reliability signals to the operators'
/// topic, and one dashboard that shows them at a glance. docs/reliability.md says why each threshold.
/// </summary>
public sealed class SecuritySignals : Construct
{
    public const string Namespace = "OmakaseRobo";

    /// <summary>Failed sign-ins in 5 minutes, all accounts together: far above a person mistyping, the shape of credential stuffing.</summary>
    public const int SignInFailureBurst = 100;

    /// <summary>Sign-ins refused because the account is locked, in 5 minutes: many accounts under attack at once.</summary>
    public const int LockoutBurst = 10;

    public const int MfaFailureBurst = 20;

    /// <summary>503 answers in 5 minutes (a dependency failing or throttling), two periods running.</summary>
    public const int UnavailableBurst = 5;

    /// <summary>Oldest audit outbox item, seconds: the drain runs at once and hourly, so 15 minutes means it is not working.</summary>
    public const int OutboxAgeLimitSeconds = 900;

    public Dashboard Dashboard { get; }

    public SecuritySignals(Construct scope, string id, DeploymentSettings settings, ITopic operatorTopic)
        : base(scope, id)
    {
        var notify = new SnsAction(operatorTopic);
        var stage = settings.Stage.Name;
        var prefix = settings.NamePrefix;
        Metric Count(string name, string? dimension = null, string? value = null) => new(new MetricProps
        {
            Namespace = Namespace,
            MetricName = name,
            DimensionsMap = dimension is null ? new Dictionary<string, string> { ["Stage"] = stage } : new Dictionary<string, string> { ["Stage"] = stage, [dimension] = value! },
            Statistic = "Sum",
            Period = Duration.Minutes(5),
        });

        var outboxAge = new Metric(new MetricProps
        {
            Namespace = Namespace,
            MetricName = "AuditOutboxOldestAgeSeconds",
            DimensionsMap = new Dictionary<string, string> { ["Stage"] = stage },
            Statistic = "Maximum",
            Period = Duration.Hours(1),
        });

        var alarms = new[]
        {
            Raise("SignInFailureBurst", $"{prefix}-credential-stuffing-failures", "Credential stuffing? A burst of failed sign-ins across accounts.", Count("SignInFailed"), SignInFailureBurst, 1),
            Raise("LockoutBurst", $"{prefix}-credential-stuffing-lockouts", "Credential stuffing? Many sign-ins refused because accounts are locked.", Count("SignInLockedOut"), LockoutBurst, 1),
            Raise("MfaFailureBurst", $"{prefix}-mfa-failures", "A burst of wrong second factors: passwords may be known to an attacker.", Count("MfaFailed"), MfaFailureBurst, 1),
            Raise("StorageUnavailable", $"{prefix}-storage-unavailable", "The API answers 503: DynamoDB, KMS or SSM failing or throttling. See docs/ja/reliability.md (runbook).", Count("DependencyUnavailable"), UnavailableBurst, 2),
            Raise("AuditOutboxAge", $"{prefix}-audit-outbox-age", "Audit records wait in the outbox: the drain (verify-audit-chain) is not appending them.", outboxAge, OutboxAgeLimitSeconds, 1),
        };

        Alarm Raise(string alarmId, string name, string description, IMetric metric, double threshold, int periods)
        {
            var alarm = new Alarm(this, alarmId, new AlarmProps
            {
                AlarmName = name,
                AlarmDescription = description,
                Metric = metric,
                Threshold = threshold,
                ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                EvaluationPeriods = periods,
                DatapointsToAlarm = periods,
                TreatMissingData = TreatMissingData.NOT_BREACHING,
            });
            alarm.AddAlarmAction(notify);
            alarm.AddOkAction(notify);
            return alarm;
        }

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DashboardName = $"{prefix}-operations" });
        Dashboard.AddWidgets(new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Security and reliability alarms", Alarms = alarms, Width = 24 }));
        Dashboard.AddWidgets(
            Graph("Sign-ins", Count("SignInSucceeded"), Count("SignInFailed"), Count("SignInLockedOut")),
            Graph("MFA failures", Count("MfaFailed")),
            Graph("503 by dependency", Count("DependencyUnavailable", "Dependency", "dynamodb"), Count("DependencyUnavailable", "Dependency", "kms"),
                Count("DependencyUnavailable", "Dependency", "ssm"), Count("DependencyUnavailable", "Dependency", "request-budget")));
        Dashboard.AddWidgets(
            Graph("Webhook deliveries failed", Count("WebhookDeliveryFailed")),
            Graph("Audit outbox, oldest item (s)", outboxAge),
            Graph("Jobs", Count("JobSucceeded"), Count("JobFailed")));
    }

    private static GraphWidget Graph(string title, params IMetric[] metrics) =>
        new(new GraphWidgetProps { Title = title, Left = metrics, Width = 8 });
}
