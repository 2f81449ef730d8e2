using OmakaseRobo.Api.Platform.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
var options = builder.AddPlatform();

var app = builder.Build();
app.UsePlatform();
app.MapPlatformApi(app.Services.GetRequiredService<Runtime>());

await app.RunAsync().ConfigureAwait(false);

/// <summary>The entry point, visible to the HTTP tests.</summary>
public partial class Program;
