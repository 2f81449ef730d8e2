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

    public IReadOnlyCollection<string> Lines => lines;

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
        }
    }
}
