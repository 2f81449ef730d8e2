using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// A TCP proxy between the app and DynamoDB Local that fails on command, as storage fails in AWS:
/// pass bytes through; delay them; hang (connections are accepted, nothing comes back: a frozen process);
/// refuse (nothing listens, open connections are reset: a killed process). Any mode can follow any other.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly ConcurrentDictionary<TcpClient, byte> open = new();
    private readonly CancellationTokenSource disposed = new(); // never disposed: pumps may still read its token
    private readonly Lock gate = new();
    private TcpListener? listener;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int requestsBeforeHang = -1;
    private Marked? marked;

    private FaultProxy(IPEndPoint target, int port)
    {
        this.target = target;
        Port = port;
    }

    public enum Mode
    {
        Pass,
        Delay,
        Hang,
        Refuse,
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public Mode Current { get; private set; } = Mode.Pass;

    public TimeSpan Delay { get; private set; }

    /// <summary>A proxy to the endpoint (http://host:port) on a free loopback port, passing.</summary>
    public static FaultProxy Start(string endpoint)
    {
        var uri = new Uri(endpoint);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var proxy = new FaultProxy(new IPEndPoint(IPAddress.Parse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host), uri.Port), port);
        proxy.Listen();
        return proxy;
    }

    public void Pass() => Switch(Mode.Pass, TimeSpan.Zero);

    public void DelayBy(TimeSpan delay) => Switch(Mode.Delay, delay);

    public void Hang() => Switch(Mode.Hang, TimeSpan.Zero);

    public void Refuse() => Switch(Mode.Refuse, TimeSpan.Zero);

    /// <summary>Passes the next <paramref name="requests"/> HTTP requests, then hangs from the one after: a fault at a chosen step.</summary>
    public void HangAfter(int requests)
    {
        Pass();
        Interlocked.Exchange(ref requestsBeforeHang, requests);
    }

    /// <summary>
    /// Passes requests until one whose bytes contain <paramref name="marker"/> (a write to storage the test picks by its
    /// content); that one reaches storage and commits. Then every connection is refused, as storage dies: from the next
    /// request on, its answer still delivered; or, with <paramref name="loseAnswer"/>, at once, so its answer is lost
    /// and the app cannot know the write committed.
    /// </summary>
    public void RefuseAfter(string marker, bool loseAnswer)
    {
        Pass();
        Volatile.Write(ref marked, new Marked(System.Text.Encoding.UTF8.GetBytes(marker), loseAnswer));
    }

    public async ValueTask DisposeAsync()
    {
        await disposed.CancelAsync();
        lock (gate)
        {
            listener?.Stop();
            listener = null;
        }

        ResetAll();
    }

    private void Switch(Mode mode, TimeSpan delay)
    {
        Interlocked.Exchange(ref requestsBeforeHang, -1);
        Volatile.Write(ref marked, null);
        TaskCompletionSource previous;
        lock (gate)
        {
            Current = mode;
            Delay = delay;
            previous = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            if (mode == Mode.Refuse)
            {
                listener?.Stop();
                listener = null;
            }
            else if (listener is null)
            {
                Listen();
            }
        }

        if (mode == Mode.Refuse)
        {
            ResetAll();
        }

        previous.TrySetResult();
    }

    private void Listen()
    {
        var next = new TcpListener(IPAddress.Loopback, Port);
        next.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        next.Start();
        listener = next;
        _ = AcceptAsync(next);
    }

    private void ResetAll()
    {
        foreach (var client in open.Keys)
        {
            open.TryRemove(client, out _);
            try
            {
                if (client.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0); // RST, as a dead peer's kernel answers
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            client.Dispose();
        }
    }

    private async Task AcceptAsync(TcpListener from)
    {
        while (!disposed.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await from.AcceptTcpClientAsync(disposed.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped: refusing, or disposed
            }

            _ = ServeAsync(inbound);
        }
    }

    private async Task ServeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        open[inbound] = 0;
        open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(target, disposed.Token);
            var exchange = new Exchange();
            var up = PumpAsync(inbound.GetStream(), outbound.GetStream(), upstream: true, exchange);
            var down = PumpAsync(outbound.GetStream(), inbound.GetStream(), upstream: false, exchange);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            open.TryRemove(inbound, out _);
            open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool upstream, Exchange exchange)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, disposed.Token);
            if (read == 0)
            {
                return;
            }

            // The SDK writes each request's head in one piece, so a read that starts with the method starts a request.
            if (upstream && read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("POST "u8) && Volatile.Read(ref requestsBeforeHang) >= 0
                && Interlocked.Decrement(ref requestsBeforeHang) < 0)
            {
                Switch(Mode.Hang, TimeSpan.Zero);
            }

            if (Volatile.Read(ref marked) is { } mark)
            {
                if (upstream && read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("POST "u8) && mark.Seen)
                {
                    Switch(Mode.Refuse, TimeSpan.Zero); // the request after the marked one: storage is gone
                }
                else if (upstream && !mark.Seen && buffer.AsSpan(0, read).IndexOf(mark.Marker) >= 0)
                {
                    mark.Seen = true;
                    exchange.Marked = true;
                }
                else if (!upstream && exchange.Marked && mark.LoseAnswer)
                {
                    Switch(Mode.Refuse, TimeSpan.Zero); // the marked request's answer: dropped with the connection
                }
            }

            while (true)
            {
                Task wait;
                lock (gate)
                {
                    if (Current == Mode.Refuse)
                    {
                        return;
                    }

                    if (Current != Mode.Hang)
                    {
                        break;
                    }

                    wait = changed.Task;
                }

                await wait.WaitAsync(disposed.Token); // frozen: hold the bytes until the mode changes
            }

            if (Current == Mode.Delay)
            {
                await Task.Delay(Delay, disposed.Token); // network latency, not the app's clock
            }

            await to.WriteAsync(buffer.AsMemory(0, read), disposed.Token);
        }
    }

    /// <summary>The write <see cref="RefuseAfter"/> waits for, and whether it has passed.</summary>
    private sealed class Marked(byte[] marker, bool loseAnswer)
    {
        private volatile bool seen;

        public byte[] Marker { get; } = marker;

        public bool LoseAnswer { get; } = loseAnswer;

        public bool Seen
        {
            get => seen;
            set => seen = value;
        }
    }

    /// <summary>One connection's two directions: whether the marked request went up it.</summary>
    private sealed class Exchange
    {
        private volatile bool marked;

        public bool Marked
        {
            get => marked;
            set => marked = value;
        }
    }
}
