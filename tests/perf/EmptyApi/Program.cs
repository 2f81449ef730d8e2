// The floor a cold start is compared with: the slim builder, Kestrel, one route, nothing else.
var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/", () => "ok");
await app.RunAsync().ConfigureAwait(false);
