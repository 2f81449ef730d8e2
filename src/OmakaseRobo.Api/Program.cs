using OmakaseRobo.Api;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Jobs;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Features;

// Composition only: every function is this one app; Omakase:Function picks the routes it maps.
var builder = WebApplication.CreateSlimBuilder(args);
var (options, runtime) = builder.AddPlatform(AppJsonContext.Default);
builder.Services
    .AddAudit()
    .AddTenants()
    .AddSessions()
    .AddRoles()
    .AddUsers(options, runtime)
    .AddAuth()
    .AddAccess()
    .AddWebhooks(options, runtime)
    .AddIncidents()
    .AddVulnerabilities()
    .AddJobs(servesJobs: options.Serves(Modules.Jobs));
if (options.Serves(Modules.Jobs))
{
    builder.Services.AddBackups(runtime, options);
}

var commandLineJob = args is ["job", var name] ? name : null;
if (commandLineJob is not null)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0"); // a job run must not collide with a local server on 5080
}

var app = builder.Build();
app.UseCorrelation();
app.UseAccessRecords();
app.UsePlatform();
app.UseAccessControl();
if (options.Serves(Modules.Auth))
{
    app.Services.GetRequiredService<PasswordHasher>().Warm(); // the dummy hash unknown users are verified against
}

app.MapPlatformApi(runtime);
if (options.Serves(Modules.Auth))
{
    app.MapAuthApi();
}

if (options.Serves(Modules.Admin))
{
    app.MapTenantsApi();
    app.MapUsersApi();
    app.MapUserLifecycleApi();
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
