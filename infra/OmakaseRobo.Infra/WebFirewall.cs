using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.WAFv2;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>
/// The regional WAF web ACL in front of the API stage: AWS's common rule set, a per-IP rate limit, and a rule that
/// blocks any path that normalises to /events, so no encoded or dot-segment trick reaches the adapter's event path.
/// </summary>
public sealed class WebFirewall : Construct
{
    public const string CommonRuleSet = "AWSManagedRulesCommonRuleSet";

    public const string RateLimitRuleName = "RateLimitPerIp";

    public const string EventsPathRuleName = "BlockEventsPath";

    // Matches /events and /{stage}/events (the execute-api form) after URL decoding and path normalisation.
    public const string EventsPathPattern = "^(/[^/]+)?/events(/.*)?$";

    public CfnWebACL WebAcl { get; }

    public WebFirewall(Construct scope, string id, DeploymentSettings settings, Stage apiStage)
        : base(scope, id)
    {
        WebAcl = new CfnWebACL(this, "WebAcl", new CfnWebACLProps
        {
            Name = $"{settings.NamePrefix}-api",
            Scope = "REGIONAL",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            VisibilityConfig = Visibility($"{settings.NamePrefix}-api"),
            Rules = new object[]
            {
                new CfnWebACL.RuleProperty
                {
                    Name = EventsPathRuleName,
                    Priority = 0,
                    Action = new CfnWebACL.RuleActionProperty { Block = new CfnWebACL.BlockActionProperty() },
                    Statement = new CfnWebACL.StatementProperty
                    {
                        RegexMatchStatement = new CfnWebACL.RegexMatchStatementProperty
                        {
                            FieldToMatch = new CfnWebACL.FieldToMatchProperty { UriPath = new Dictionary<string, object>() },
                            RegexString = EventsPathPattern,
                            TextTransformations = new object[]
                            {
                                new CfnWebACL.TextTransformationProperty { Priority = 0, Type = "URL_DECODE" },
                                new CfnWebACL.TextTransformationProperty { Priority = 1, Type = "NORMALIZE_PATH" },
                            },
                        },
                    },
                    VisibilityConfig = Visibility($"{settings.NamePrefix}-{EventsPathRuleName}"),
                },
                new CfnWebACL.RuleProperty
                {
                    Name = RateLimitRuleName,
                    Priority = 1,
                    Action = new CfnWebACL.RuleActionProperty { Block = new CfnWebACL.BlockActionProperty() },
                    Statement = new CfnWebACL.StatementProperty
                    {
                        RateBasedStatement = new CfnWebACL.RateBasedStatementProperty
                        {
                            AggregateKeyType = "IP",
                            Limit = settings.Stage.WafRequestsPerIpPerFiveMinutes,
                            EvaluationWindowSec = 300,
                        },
                    },
                    VisibilityConfig = Visibility($"{settings.NamePrefix}-{RateLimitRuleName}"),
                },
                new CfnWebACL.RuleProperty
                {
                    Name = CommonRuleSet,
                    Priority = 2,
                    OverrideAction = new CfnWebACL.OverrideActionProperty { None = new Dictionary<string, object>() },
                    Statement = new CfnWebACL.StatementProperty
                    {
                        ManagedRuleGroupStatement = new CfnWebACL.ManagedRuleGroupStatementProperty
                        {
                            VendorName = "AWS",
                            Name = CommonRuleSet,
                        },
                    },
                    VisibilityConfig = Visibility($"{settings.NamePrefix}-{CommonRuleSet}"),
                },
            },
        });

        new CfnWebACLAssociation(this, "StageAssociation", new CfnWebACLAssociationProps
        {
            ResourceArn = apiStage.StageArn,
            WebAclArn = WebAcl.AttrArn,
        });
    }

    private static CfnWebACL.VisibilityConfigProperty Visibility(string metricName) => new()
    {
        MetricName = metricName,
        CloudWatchMetricsEnabled = true,
        SampledRequestsEnabled = true,
    };
}
