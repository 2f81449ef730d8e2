namespace OmakaseRobo.Api.Platform.Logging;

/// <summary>The per-request keys every log line carries (Powertools shape), flowing with the request.</summary>
internal sealed record RequestLogContext(string CorrelationId, string? FunctionRequestId, string? XrayTraceId, bool ColdStart)
{
    private static readonly AsyncLocal<RequestLogContext?> CurrentContext = new();

    public static RequestLogContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }
}
