using System.Text;
using System.Text.Json;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Metrics;

/// <summary>
/// Metrics in CloudWatch embedded metric format: one JSON line on standard output per data point, which Lambda ships
/// to CloudWatch Logs and CloudWatch turns into metrics (no SDK, no call on the request path). Namespace
/// <see cref="Namespace"/>, always with the Stage dimension; alarms and the dashboard in infra/ read these names.
/// </summary>
internal sealed class MetricsWriter(OmakaseOptions options, TimeProvider clock)
{
    public const string Namespace = "OmakaseRobo";

    public const string SignInSucceeded = "SignInSucceeded";
    public const string SignInFailed = "SignInFailed";
    public const string SignInLockedOut = "SignInLockedOut";
    public const string MfaFailed = "MfaFailed";
    public const string DependencyUnavailable = "DependencyUnavailable";
    public const string WebhookDeliveryFailed = "WebhookDeliveryFailed";
    public const string AuditOutboxAge = "AuditOutboxOldestAgeSeconds";
    public const string JobSucceeded = "JobSucceeded";
    public const string JobFailed = "JobFailed";

    private static readonly Lock Gate = new();

    /// <summary>Where the lines go; standard output unless a test listens.</summary>
    public TextWriter Output { get; set; } = Console.Out;

    public void Count(string metric, string? dimension = null, string? value = null, double count = 1) =>
        Write(metric, count, "Count", dimension, value);

    public void Seconds(string metric, double seconds) => Write(metric, seconds, "Seconds", null, null);

    private void Write(string metric, double value, string unit, string? dimension, string? dimensionValue)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", clock.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Stage");
            json.WriteEndArray();
            if (dimension is not null)
            {
                // Also per value (per dependency, per job), so alarms can watch the total and a dashboard the parts.
                json.WriteStartArray();
                json.WriteStringValue("Stage");
                json.WriteStringValue(dimension);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            json.WriteStartObject();
            json.WriteString("Name", metric);
            json.WriteString("Unit", unit);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Stage", options.Stage);
            if (dimension is not null)
            {
                json.WriteString(dimension, dimensionValue ?? "unknown");
            }

            json.WriteNumber(metric, value);
            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (Gate)
        {
            Output.WriteLine(line);
        }
    }
}
