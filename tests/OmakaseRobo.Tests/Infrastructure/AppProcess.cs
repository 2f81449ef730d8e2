using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// The built app as a real process on a free loopback port, started as a new engineer starts it (Development,
/// local mode), in a process group of its own so tests can signal the app or its whole group, with INT and TERM at
/// their defaults: a runner started in the background ignores SIGINT, and the app would inherit that, where an app
/// started from a terminal does not.
/// Either on the tests' shared DynamoDB Local with fresh tables, or starting DynamoDB Local itself (in memory).
/// </summary>
public sealed class AppProcess : IDisposable
{
    /// <summary>
    /// Puts the app in a process group of its own with INT and TERM at their defaults, then execs it (same pid, no
    /// fork, unlike setsid(1) when it finds itself a group leader).
    /// </summary>
    private const string NewGroup = "import os, signal, sys\n"
        + "for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP): signal.signal(s, signal.SIG_DFL)\n"
        + "os.setpgid(0, 0)\n"
        + "os.execvp(sys.argv[1], sys.argv[1:])";

    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly SemaphoreSlim changed = new(0); // released on every line, at the end of output and at exit
    private readonly string dataDir = Directory.CreateTempSubdirectory("omakase-process-").FullName;

    private AppProcess(bool ownDynamoDb)
    {
        Port = FreePort();
        var start = new ProcessStartInfo("python3", ["-c", NewGroup, "dotnet", Path.Combine(AppContext.BaseDirectory, "OmakaseRobo.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        var prefix = $"p{Guid.NewGuid():N}"[..13];
        MainTable = $"{prefix}-main";
        AuditTable = $"{prefix}-audit";
        start.Environment["ASPNETCORE_URLS"] = Url;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Omakase__Tables__Main"] = MainTable;
        start.Environment["Omakase__Tables__Audit"] = AuditTable;
        start.Environment["Omakase__Local__DataDir"] = dataDir;
        start.Environment["Omakase__Local__CacheDir"] = LocalPaths.CacheDir(new LocalOptions());
        start.Environment["Omakase__Local__TimeToLive"] = "false";
        start.Environment["Omakase__Security__BcryptCost"] = "10";
        start.Environment.Remove("Omakase__Bootstrap__OperatorPassword");
        start.Environment.Remove("Omakase__Bootstrap__OperatorEmail");
        if (ownDynamoDb)
        {
            start.Environment.Remove("AWS_ENDPOINT_URL_DYNAMODB");
            start.Environment["Omakase__Local__InMemory"] = "true";
        }
        else
        {
            start.Environment["AWS_ENDPOINT_URL_DYNAMODB"] = SharedDynamoDb.Endpoint;
        }

        process = Process.Start(start)!;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => changed.Release();
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The app's tables (on the shared DynamoDB Local unless it started its own).</summary>
    public string MainTable { get; }

    public string AuditTable { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>The app's pid, which is also its process group id.</summary>
    public int Pid => process.Id;

    public IReadOnlyList<string> Lines => [.. lines];

    /// <summary>Starts the app and waits for its ready line (the first start may fetch DynamoDB Local).</summary>
    public static async Task<AppProcess> StartAsync(bool ownDynamoDb = false)
    {
        var app = new AppProcess(ownDynamoDb);
        try
        {
            await app.WaitForLineAsync(LocalConsole.ReadyPrefix, TimeSpan.FromMinutes(4));
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    public async Task<string> WaitForLineAsync(string start, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (lines.FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            if (process.HasExited)
            {
                Assert.Fail($"the app exited before printing '{start}':\n{string.Join('\n', lines)}");
            }

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero || !await changed.WaitAsync(left))
            {
                throw new TimeoutException($"no line starting with '{start}' within {timeout}:\n{string.Join('\n', lines)}");
            }
        }
    }

    /// <summary>The password the first start printed for the bootstrap operator.</summary>
    public string OperatorPassword()
    {
        var line = lines.First(l => l.StartsWith("Bootstrap operator:", StringComparison.Ordinal));
        return line.Split(' ').First(part => part.StartsWith("password=", StringComparison.Ordinal))["password=".Length..];
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Signal("KILL", group: true);
            process.WaitForExit(10_000);
        }

        process.Dispose(); // not `changed`: the output readers may still release it; it holds no handle until asked for one
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // DynamoDB Local may still be letting go of its files
        }
    }

    /// <summary>Sends a real signal with kill(1): to the app alone, or to its whole process group.</summary>
    public void Signal(string signal, bool group)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, "--", group ? $"-{Pid}" : $"{Pid}"]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }

        changed.Release();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
