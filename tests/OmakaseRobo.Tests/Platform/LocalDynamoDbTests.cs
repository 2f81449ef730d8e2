using System.Diagnostics;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Platform;

public sealed class LocalDynamoDbTests
{
    [Fact]
    public async Task DynamoDB_Local_stops_with_its_owner_and_leaves_no_java_behind()
    {
        var local = await LocalDynamoDb.StartAsync(LocalPaths.CacheDir(new LocalOptions()), dataDir: null, CancellationToken.None);
        var port = local.Endpoint.Port;
        Assert.True(JavaListeningOn(port));

        local.Dispose();

        // The kill is sent at once; the kernel may take a moment to reap Java on a loaded machine.
        var deadline = Stopwatch.StartNew();
        while (JavaListeningOn(port) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.False(JavaListeningOn(port));
    }

    private static bool JavaListeningOn(int port)
    {
        using var ps = Process.Start(new ProcessStartInfo("pgrep", ["-f", $"DynamoDBLocal.jar.*-port {port}"]) { RedirectStandardOutput = true })!;
        ps.WaitForExit();
        return ps.StandardOutput.ReadToEnd().Trim().Length > 0;
    }
}
