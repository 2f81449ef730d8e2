using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace OmakaseRobo.Api.Platform.Logging;

/// <summary>
/// One JSON object a line with the keys of Powertools for AWS Lambda, so Logs Insights queries written for it
/// work on ours. Only the message is written: never the state's raw values, scopes or request data.
/// </summary>
internal sealed class PowertoolsJsonFormatter : ConsoleFormatter
{
    public const string FormatterName = "powertools";

    private static readonly string Service = Environment.GetEnvironmentVariable("POWERTOOLS_SERVICE_NAME") ?? "omakase-robo";
    private static readonly string? FunctionName = Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME");

    // Log lines are read by people and Logs Insights, never embedded in HTML: keep Japanese and '+' readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public PowertoolsJsonFormatter()
        : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var request = RequestLogContext.Current;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("message", message);
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("service", Service);
            json.WriteBoolean("cold_start", request?.ColdStart ?? false);
            WriteIfPresent(json, "function_name", FunctionName);
            WriteIfPresent(json, "function_request_id", request?.FunctionRequestId);
            WriteIfPresent(json, "xray_trace_id", request?.XrayTraceId);
            WriteIfPresent(json, "correlation_id", request?.CorrelationId);
            json.WriteString("logger", logEntry.Category);
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception_name", exception.GetType().FullName);
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        textWriter.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
