using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>
/// The local command lines (<c>job …</c>, <c>report compliance …</c>): the app starts without a port of its own, does one
/// thing and stops. Standard output holds only the result, so it can be piped or saved (a signed report must stay byte
/// for byte); the logs go to standard error. Storage that cannot be reached ends it with one line and exit code 3.
/// </summary>
internal static class CommandLine
{
    public const int DependencyFailed = 3;

    public static void Configure(WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls("http://127.0.0.1:0"); // must not collide with a local server on 5080
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    public static async Task<int> RunAsync(WebApplication app, Func<IServiceProvider, Task<int>> work)
    {
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            try
            {
                return await work(app.Services).ConfigureAwait(false);
            }
            finally
            {
                await app.StopAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (DependencyFault.Of(exception, budgetSpent: false) is { } fault)
        {
            // The console logger writes from a queue of its own: disposing the app flushes it, so this line comes last.
            await app.DisposeAsync().ConfigureAwait(false);
            await Console.Error.WriteLineAsync(
                $"Storage could not be reached ({fault.Dependency}: {fault.Code}); the command did not complete. / ストレージに接続できず、コマンドは完了しませんでした。")
                .ConfigureAwait(false);
            return DependencyFailed;
        }
    }
}
