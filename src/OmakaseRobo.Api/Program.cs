using OmakaseRobo.Api.Features;
using OmakaseRobo.Api.Features.Access;
using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Roles;
using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
var options = builder.AddPlatform();
builder.Services.AddIdentity(options, Runtime.From(builder.Configuration));
if (options.Serves(Modules.Jobs))
{
    builder.Services.AddBackups(Runtime.From(builder.Configuration), options);
}

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

await app.RunAsync().ConfigureAwait(false);

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
