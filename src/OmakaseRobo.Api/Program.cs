using OmakaseRobo.Api.Features;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Features.Vulnerabilities;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
var options = builder.AddPlatform();
var runtime = Runtime.From(builder.Configuration);
builder.Services.AddIdentity(options, runtime);
builder.Services.AddIncidents(options, runtime);

var app = builder.Build();
app.UsePlatform();
app.UseAccessControl();
app.MapPlatformApi(app.Services.GetRequiredService<Runtime>());
if (options.Serves(Modules.Auth))
{
    app.MapAuthApi();
}

if (options.Serves(Modules.Admin))
{
    app.MapTenantsApi();
    app.MapUsersApi();
    app.MapRolesApi();
    app.MapAccessReviewApi();
}

if (options.Serves(Modules.Incidents))
{
    app.MapIncidentsApi();
    app.MapVulnerabilitiesApi();
    app.MapWebhooksApi();
}

await app.RunAsync().ConfigureAwait(false);

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
