using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// A TCP proxy between the app and DynamoDB Local that fails on command, as storage fails in AWS:
/// pass bytes through; delay them; hang (connections are accepted, nothing comes back: a frozen process);
/// refuse (nothing listens, open connections are reset: a killed process); reset (every connection, open or new, is
/// reset at once, the port kept: a peer or middlebox that resets); black-hole (what is sent is lost and the
/// connection stays dead even after the fault ends: a peer gone without a reset, a dropped NAT entry); lose answers
/// (requests reach storage, the answers are lost and the connection stays dead). Any mode can follow any other.
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
    private int dead;
    private TaskCompletionSource died = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        BlackHole,
        LoseAnswers,
        Reset,
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public Mode Current { get; private set; } = Mode.Pass;

    public TimeSpan Delay { get; private set; }

    /// <summary>Raised as a fault is set (any mode but <see cref="Mode.Pass"/>, a hang after some requests, a refusal after a marker).</summary>
    public event Action? Faulting;

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

    /// <summary>Every open connection is reset, and every new one as soon as it is accepted; the port stays taken.</summary>
    public void Reset() => Switch(Mode.Reset, TimeSpan.Zero);

    /// <summary>New and open connections accept bytes and lose them; a connection that lost a request stays dead after <see cref="Pass"/>.</summary>
    public void BlackHole() => Switch(Mode.BlackHole, TimeSpan.Zero);

    /// <summary>Requests reach storage (and take effect); their answers are lost, and a connection that lost one stays dead.</summary>
    public void LoseAnswers() => Switch(Mode.LoseAnswers, TimeSpan.Zero);

    /// <summary>Completes once <paramref name="count"/> connections in all have died (lost a request or an answer); event-driven, no polling.</summary>
    public async Task DeadConnectionsAsync(int count, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        while (true)
        {
            var next = Volatile.Read(ref died).Task;
            if (Volatile.Read(ref dead) >= count)
            {
                return;
            }

            await next.WaitAsync(limit.Token);
        }
    }

    /// <summary>Passes the next <paramref name="requests"/> HTTP requests, then hangs from the one after: a fault at a chosen step.</summary>
    public void HangAfter(int requests)
    {
        Pass();
        Faulting?.Invoke();
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
        Faulting?.Invoke();
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
        if (mode != Mode.Pass)
        {
            Faulting?.Invoke();
        }

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

        if (mode is Mode.Refuse or Mode.Reset)
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
        if (Current == Mode.Reset)
        {
            inbound.Client.LingerState = new LingerOption(true, 0);
            inbound.Dispose();
            return;
        }

        var outbound = new TcpClient();
        open[inbound] = 0;
        open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(target, disposed.Token);
            var connection = new Connection();
            var up = PumpAsync(inbound.GetStream(), outbound.GetStream(), upstream: true, connection);
            var down = PumpAsync(outbound.GetStream(), inbound.GetStream(), upstream: false, connection);
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

    private void Died(Connection connection)
    {
        if (!connection.Dead)
        {
            connection.Dead = true;
            Interlocked.Increment(ref dead);
            Interlocked.Exchange(ref died, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool upstream, Connection connection)
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
                    connection.Marked = true;
                }
                else if (!upstream && connection.Marked && mark.LoseAnswer)
                {
                    Switch(Mode.Refuse, TimeSpan.Zero); // the marked request's answer: dropped with the connection
                }
            }

            lock (gate)
            {
                if (Current == Mode.BlackHole || (Current == Mode.LoseAnswers && !upstream))
                {
                    Died(connection);
                }
            }

            if (connection.Dead)
            {
                continue; // lost: nothing more ever passes on this connection
            }

            while (true)
            {
                Task wait;
                lock (gate)
                {
                    if (Current is Mode.Refuse or Mode.Reset)
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

    /// <summary>One proxied connection: once dead, both directions lose everything until it closes.</summary>
    private sealed class Connection
    {
        public volatile bool Dead;

        /// <summary>Whether the request <see cref="RefuseAfter"/> waits for went up this connection.</summary>
        public volatile bool Marked;
    }
}
