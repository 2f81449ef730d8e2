namespace OmakaseRobo.Api.Platform.Auditing;

/// <summary>The one way every area writes an audit event; the trail stamps id and time from the injected clock.</summary>
public interface IAuditTrail
{
    Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}
