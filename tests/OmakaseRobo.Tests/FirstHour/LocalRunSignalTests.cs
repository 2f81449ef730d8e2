using System.Diagnostics;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.FirstHour;

/// <summary>
/// The local run, with DynamoDB Local of its own, leaves no Java behind whatever real signal ends it: INT (Ctrl-C),
/// TERM or KILL, sent to the app alone or to its whole process group (a terminal's Ctrl-C goes to the group).
/// </summary>
[Collection(AppProcesses.Name)]
public sealed class LocalRunSignalTests
{
    [Theory]
    [InlineData("INT", true)]
    [InlineData("INT", false)]
    [InlineData("TERM", true)]
    [InlineData("TERM", false)]
    [InlineData("KILL", true)]
    [InlineData("KILL", false)]
    public async Task No_java_is_left_running_after_a_signal(string signal, bool toTheGroup)
    {
        using var app = await AppProcess.StartAsync(ownDynamoDb: true);
        var port = DynamoDbPort(app);
        Assert.True(JavaOn(port).Count > 0, "DynamoDB Local is not running");

        app.Signal(signal, toTheGroup);

        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the app did not stop on SIG{signal}");
        // The watchdog sees the app gone within 200 ms, then gives Java up to 5 s to stop: wait for Java's own exit.
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            foreach (var pid in JavaOn(port))
            {
                await ExitOfAsync(pid, limit.Token);
            }
        }

        Assert.False(JavaOn(port).Count > 0, $"Java of DynamoDB Local outlived SIG{signal} to the {(toTheGroup ? "process group" : "app")}");
    }

    [Fact]
    public async Task The_local_run_says_what_it_does_then_where_to_go_in_development()
    {
        using var app = await AppProcess.StartAsync(ownDynamoDb: true);

        var lines = app.Lines;
        Assert.Contains(lines, l => l.StartsWith("[omakase] Starting DynamoDB Local", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[omakase] Creating the tables", StringComparison.Ordinal));
        var ready = Assert.Single(lines, l => l.StartsWith("Omakase Robo API ready: ", StringComparison.Ordinal));
        Assert.Contains($"{app.Url}/scalar/v1", ready, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("Production", StringComparison.Ordinal));
    }

    private static int DynamoDbPort(AppProcess app)
    {
        var line = app.Lines.First(l => l.Contains("DynamoDB Local is listening on", StringComparison.Ordinal));
        return new Uri(line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim()).Port;
    }

    /// <summary>The ids of the processes running DynamoDB Local on this port.</summary>
    private static List<int> JavaOn(int port)
    {
        using var ps = Process.Start(new ProcessStartInfo("pgrep", ["-f", $"DynamoDBLocal.jar.*-port {port}"]) { RedirectStandardOutput = true })!;
        var output = ps.StandardOutput.ReadToEnd();
        ps.WaitForExit();
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
    }

    /// <summary>Completes when the process exits (at once if it is gone), or when <paramref name="limit"/> ends the wait.</summary>
    private static async Task ExitOfAsync(int pid, CancellationToken limit)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            await process.WaitForExitAsync(limit);
        }
        catch (ArgumentException)
        {
            // gone already
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            // the assertion after says which process is left
        }
    }
}
