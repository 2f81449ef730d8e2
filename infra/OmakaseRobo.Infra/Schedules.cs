using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.Lambda;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>A compliance job the jobs function runs when an event with `detail.job` = Name arrives at /events.</summary>
internal sealed record ScheduledJob(string Name, string Why, CronOptions Cron);

/// <summary>
/// EventBridge rules that start the compliance jobs. A scheduled rule's own event has an empty detail, so each target
/// rebuilds the event envelope from the real event's fields and puts the job's name in `detail.job`.
/// </summary>
public sealed class Schedules : Construct
{
    // All times are UTC (guideline 12.4.4); Tokyo is UTC+9.
    private static readonly ScheduledJob[] Jobs =
    [
        new("purge-records", "18.1.3: purge records older than 30 days (03:00 JST)",
            new CronOptions { Minute = "0", Hour = "18" }),
        new("delete-terminated-tenants", "CLD.8.1.5: delete tenants past their grace period (03:30 JST)",
            new CronOptions { Minute = "30", Hour = "18" }),
        new("verify-backups", "12.3.1: restore last night's backup into a scratch table (05:00 JST)",
            new CronOptions { Minute = "0", Hour = "20" }),
        new("review-privileged-access", "9.2.3/9.4.4: monthly privileged access review (1st, 09:00 JST)",
            new CronOptions { Minute = "0", Hour = "0", Day = "1" }),
        new("verify-audit-chain", "16.1.7: verify the audit hash chain and its signed checkpoints, hourly",
            new CronOptions { Minute = "15" }),
        new("compliance-report", "18.2.1: monthly signed compliance report, stored for the auditors (1st, 10:00 JST)",
            new CronOptions { Minute = "0", Hour = "1", Day = "1" }),
        new("retry-webhooks", "16.1.1: give failed notice deliveries to customer webhooks their next attempt",
            new CronOptions { Minute = "0/5" }),
    ];

    public Schedules(Construct scope, string id, DeploymentSettings settings, IFunction jobsFunction)
        : base(scope, id)
    {
        foreach (var job in Jobs)
        {
            new Rule(this, job.Name, new RuleProps
            {
                RuleName = $"{settings.NamePrefix}-{job.Name}",
                Description = job.Why,
                Schedule = Schedule.Cron(job.Cron),
                Targets =
                [
                    new LambdaFunction(jobsFunction, new LambdaFunctionProps
                    {
                        Event = ScheduledEventFor(job.Name),
                        RetryAttempts = 2,
                    }),
                ],
            });
        }
    }

    /// <summary>The EventBridge event the app receives: the scheduled event's envelope with `detail.job` set.</summary>
    private static RuleTargetInput ScheduledEventFor(string jobName) => RuleTargetInput.FromObject(new Dictionary<string, object>
    {
        ["version"] = "0",
        ["id"] = EventField.EventId,
        ["detail-type"] = EventField.DetailType,
        ["source"] = EventField.Source,
        ["account"] = EventField.Account,
        ["time"] = EventField.Time,
        ["region"] = EventField.Region,
        ["resources"] = EventField.FromPath("$.resources"),
        ["detail"] = new Dictionary<string, object> { ["job"] = jobName },
    });
}
