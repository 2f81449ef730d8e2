using OmakaseRobo.Api;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Compliance;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Introspection;
using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Features.ProductPermissions;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.ServiceClients;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Features;

// Composition only: every function is this one app; Omakase:Function picks the routes it maps.
var startup = StartupTimeline.Begin();
var builder = WebApplication.CreateSlimBuilder(args);
var (options, runtime) = builder.AddPlatform(AppJsonContext.Default);
builder.Services
    .AddAudit()
    .AddTenants()
    .AddSessions()
    .AddProductPermissions()
    .AddRoles()
    .AddUsers(options, runtime)
    .AddAuth()
    .AddAccess()
    .AddServiceClients()
    .AddIntrospection()
    .AddWebhooks(options, runtime)
    .AddIncidents()
    .AddVulnerabilities()
    .AddCompliance()
    .AddJobs(servesJobs: options.Serves(Modules.Jobs));
if (options.Serves(Modules.Jobs))
{
    builder.Services.AddBackups(runtime, options);
}

var commandLineJob = args is ["job", var name] ? name : null;
var complianceCommand = args is ["report", "compliance", ..];
if (commandLineJob is not null || complianceCommand)
{
    CommandLine.Configure(builder);
}
else
{
    builder.Services.AddLocalReadyLine(runtime); // locally: one line saying where the API and its docs are
}

startup.Register(builder.Services);
var app = builder.Build();
startup.Built(app);
app.UseCorrelation();
app.UseAccessRecords();
app.UsePlatform();
app.UseAccessControl();
var endpoints = app.MapEndpoints();
endpoints.MapPlatformApi(runtime, options);
if (options.Serves(Modules.Auth))
{
    endpoints.MapAuthApi();
    endpoints.MapIntrospectionApi(); // API Gateway routes /oauth2/* to the auth function
}

if (options.Serves(Modules.Admin))
{
    endpoints.MapTenantsApi();
    endpoints.MapUsersApi();
    endpoints.MapUserLifecycleApi();
    endpoints.MapRolesApi();
    endpoints.MapAccessReviewApi();
    endpoints.MapServiceClientsApi();
    endpoints.MapProductPermissionsApi();
    endpoints.MapAuditApi();
    endpoints.MapComplianceApi();
    endpoints.MapWebhooksApi(); // API Gateway routes /v1/tenants/{tenantId}/* (but notices) to the admin function
}

if (options.Serves(Modules.Incidents))
{
    endpoints.MapIncidentsApi();
    endpoints.MapVulnerabilitiesApi();
}

if (options.Serves(Modules.Jobs))
{
    endpoints.MapEventsApi();
}

if (complianceCommand)
{
    return await ComplianceSetup.RunFromCommandLineAsync(app, args[2..]).ConfigureAwait(false);
}

if (commandLineJob is not null)
{
    return await JobsSetup.RunFromCommandLineAsync(app, commandLineJob).ConfigureAwait(false);
}

await app.RunAsync().ConfigureAwait(false);
return 0;

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
