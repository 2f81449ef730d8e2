using OmakaseRobo.Api;
using OmakaseRobo.Api.Features;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

var builder = WebApplication.CreateSlimBuilder(args);
var (options, runtime) = builder.AddPlatform(AppJsonContext.Default);
builder.Services.AddAudit();
builder.Services.AddIdentity(options, runtime);
builder.Services.AddIncidents(options, runtime);
builder.Services.AddJobs();
var commandLineJob = args is ["job", var name] ? name : null;
if (commandLineJob is not null)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0"); // a job run must not collide with a local server on 5080
}
else
{
    builder.Services.AddLocalReadyLine(runtime); // locally: one line saying where the API and its docs are
}

if (options.Serves(Modules.Jobs))
{
    builder.Services.AddBackups(runtime, options);
}

var app = builder.Build();
app.UseCorrelation();
app.UseAccessRecords();
app.UsePlatform();
app.UseAccessControl();
app.MapPlatformApi(runtime);
if (options.Serves(Modules.Auth))
{
    app.MapAuthApi();
}

if (options.Serves(Modules.Admin))
{
    app.MapTenantsApi();
    app.MapTerminationApi();
    app.MapUsersApi();
    app.MapRolesApi();
    app.MapAccessReviewApi();
    app.MapAuditApi();
    app.MapWebhooksApi(); // API Gateway routes /v1/tenants/{tenantId}/* (but notices) to the admin function
}

if (options.Serves(Modules.Incidents))
{
    app.MapIncidentsApi();
    app.MapVulnerabilitiesApi();
}

if (options.Serves(Modules.Jobs))
{
    app.MapEventsApi();
}

if (commandLineJob is not null)
{
    return await JobsSetup.RunFromCommandLineAsync(app, commandLineJob).ConfigureAwait(false);
}

await app.RunAsync().ConfigureAwait(false);
return 0;

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
