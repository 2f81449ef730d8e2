using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.CertificateManager;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace OmakaseRobo.Infra;

/// <summary>
/// The regional REST API: each route family goes to the function of its module and nothing reaches /events.
/// TLS 1.2+ (1.3 preferred) with strict endpoint access, stage throttling, JSON access logs kept 30 days, and WAF.
/// </summary>
public sealed class Api : Construct
{
    /// <summary>Guideline 10.1.1: TLS 1.3 and 1.2 with forward-secret AEAD ciphers only.</summary>
    public const string TlsSecurityPolicy = "SecurityPolicy_TLS13_1_2_2021_06";

    public const string EndpointAccessMode = "STRICT";

    // One line of JSON per request; status and latency stay numbers so metric filters can compare them.
    private static readonly (string Field, string Variable, bool IsNumber)[] AccessLogFields =
    [
        ("requestId", "$context.requestId", false),
        ("extendedRequestId", "$context.extendedRequestId", false),
        ("requestTime", "$context.requestTime", false),
        ("ip", "$context.identity.sourceIp", false),
        ("userAgent", "$context.identity.userAgent", false),
        ("method", "$context.httpMethod", false),
        ("path", "$context.path", false),
        ("resourcePath", "$context.resourcePath", false),
        ("protocol", "$context.protocol", false),
        ("status", "$context.status", true),
        ("latency", "$context.responseLatency", true),
        ("integrationLatency", "$context.integration.latency", false),
        ("responseLength", "$context.responseLength", false),
        ("tlsVersion", "$context.tlsVersion", false),
        ("cipherSuite", "$context.cipherSuite", false),
        ("domainName", "$context.domainName", false),
        ("errorType", "$context.error.responseType", false),
        ("waf", "$context.wafResponseCode", false),
        ("xrayTraceId", "$context.xrayTraceId", false),
    ];

    public RestApi RestApi { get; }

    public LogGroup AccessLogGroup { get; }

    public Api(Construct scope, string id, DeploymentSettings settings, Keys keys, Functions functions)
        : base(scope, id)
    {
        AccessLogGroup = new LogGroup(this, "AccessLogs", new LogGroupProps
        {
            LogGroupName = $"{settings.LogGroupPrefix}apigateway/access",
            Retention = RetentionDays.ONE_MONTH,
            EncryptionKey = keys.DataKey,
            RemovalPolicy = settings.Stage.IsProductionLike ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });

        RestApi = new RestApi(this, "RestApi", new RestApiProps
        {
            RestApiName = $"{settings.NamePrefix}-api",
            Description = $"Omakase Robo security backend ({settings.Stage.Name})",
            EndpointConfiguration = new EndpointConfiguration { Types = [EndpointType.REGIONAL] },
            // With a custom domain, clients must come through it and its TLS policy.
            DisableExecuteApiEndpoint = settings.Domain is not null,
            // Access logging needs the account-level API Gateway role; other stacks in the account may share it.
            CloudWatchRole = true,
            CloudWatchRoleRemovalPolicy = RemovalPolicy.RETAIN,
            DeployOptions = new StageOptions
            {
                StageName = settings.Stage.Name,
                ThrottlingRateLimit = settings.Stage.ApiRequestsPerSecond,
                ThrottlingBurstLimit = settings.Stage.ApiBurst,
                TracingEnabled = true,
                MetricsEnabled = true,
                // Request bodies carry passwords and TOTP codes: never log them.
                DataTraceEnabled = false,
                AccessLogDestination = new LogGroupLogDestination(AccessLogGroup),
                AccessLogFormat = AccessLogFormat.Custom(AccessLogJson()),
            },
            DomainName = settings.Domain is { } domain
                ? new DomainNameOptions
                {
                    DomainName = domain.DomainName,
                    Certificate = Certificate.FromCertificateArn(this, "Certificate", domain.CertificateArn),
                    EndpointType = EndpointType.REGIONAL,
                }
                : null,
        });

        RequireModernTls();
        MapRoutes(functions);
        new WebFirewall(this, "Firewall", settings, RestApi.DeploymentStage);
    }

    /// <summary>The access log line, one JSON object per request.</summary>
    private static string AccessLogJson() =>
        "{" + string.Join(",", AccessLogFields.Select(field => field.IsNumber
            ? $"\"{field.Field}\":{field.Variable}"
            : $"\"{field.Field}\":\"{field.Variable}\"")) + "}";

    // CDK 2.160 knows neither enhanced security policies nor endpoint access modes, so both are set on the CloudFormation resources.
    private void RequireModernTls()
    {
        var restApi = (CfnRestApi)RestApi.Node.DefaultChild!;
        restApi.AddPropertyOverride("SecurityPolicy", TlsSecurityPolicy);
        restApi.AddPropertyOverride("EndpointAccessMode", EndpointAccessMode);

        if (RestApi.DomainName?.Node.DefaultChild is CfnDomainName domainName)
        {
            domainName.AddPropertyOverride("SecurityPolicy", TlsSecurityPolicy);
            domainName.AddPropertyOverride("EndpointAccessMode", EndpointAccessMode);
        }
    }

    private void MapRoutes(Functions functions)
    {
        foreach (var (path, function) in Routes(functions))
        {
            var integration = new LambdaIntegration(function, new LambdaIntegrationOptions { AllowTestInvoke = false });
            RestApi.Root.ResourceForPath(path).AddMethod("ANY", integration);
        }
    }

    /// <summary>Every path API Gateway answers, and the function behind it. /events is deliberately absent.</summary>
    private static IReadOnlyList<(string Path, IFunction Function)> Routes(Functions functions) =>
    [
        ("/healthz", functions.Auth),
        ("/v1/auth/{proxy+}", functions.Auth),
        ("/v1/me", functions.Auth),
        ("/v1/me/{proxy+}", functions.Auth),
        ("/oauth2/{proxy+}", functions.Auth), // token introspection for the product's own services

        ("/openapi/v1.json", functions.Admin),
        ("/v1/tenants", functions.Admin),
        ("/v1/tenants/{tenantId}", functions.Admin),
        ("/v1/tenants/{tenantId}/{proxy+}", functions.Admin),
        ("/v1/audit/{proxy+}", functions.Admin),
        ("/v1/access-reviews/{proxy+}", functions.Admin),
        ("/v1/compliance/{proxy+}", functions.Admin),
        ("/v1/service-clients", functions.Admin),
        ("/v1/service-clients/{proxy+}", functions.Admin),
        ("/v1/permissions", functions.Admin),
        ("/v1/permissions/{proxy+}", functions.Admin),

        // A literal segment wins over the sibling {proxy+}, so notices go to incidents while the rest of the tenant goes to admin.
        ("/v1/tenants/{tenantId}/notices", functions.Incidents),
        ("/v1/incidents", functions.Incidents),
        ("/v1/incidents/{proxy+}", functions.Incidents),
        ("/v1/vulnerabilities", functions.Incidents),
        ("/v1/vulnerabilities/{proxy+}", functions.Incidents),
    ];
}
