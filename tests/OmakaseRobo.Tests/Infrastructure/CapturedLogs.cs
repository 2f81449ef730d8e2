using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OmakaseRobo.Api.Platform.Logging;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>Every log line the app writes, formatted exactly as the console formatter writes it.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly PowertoolsJsonFormatter formatter = new();
    private TaskCompletionSource added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<string> Lines => lines;

    /// <summary>
    /// The <paramref name="count"/>th line that matches, once it is written: woken by each new line, never polling.
    /// The timeout only ends a test whose line never comes.
    /// </summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var next = Volatile.Read(ref added).Task;
            var found = lines.Where(match).Take(count).ToList();
            if (found.Count == count)
            {
                return found[^1];
            }

            try
            {
                await next.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{found.Count} of {count} matching log lines came in time");
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            owner.formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), null, writer);
            owner.lines.Enqueue(writer.ToString());
            Interlocked.Exchange(ref owner.added, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
