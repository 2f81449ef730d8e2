using OmakaseRobo.Api.Features;
using OmakaseRobo.Api.Features.Audit;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
var options = builder.AddPlatform();
builder.Services.AddIdentity();

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
    app.MapAuditApi();
}

await app.RunAsync().ConfigureAwait(false);

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
