namespace OmakaseRobo.Api.Platform.Auditing;

/// <summary>
/// The one way every area writes an audit event; the trail stamps id and time from the injected clock.
/// A state change writes its record through the outbox, so the change never stands without it:
/// <code>
/// var record = audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, "role.put", roleName));
/// await store.PutAsync(..., record.Write, cancellationToken); // record.Write is one more item of the change's TransactWriteItems
/// await audit.AppendAsync(record, cancellationToken);        // after the commit: into its chain
/// </code>
/// </summary>
internal interface IAuditTrail
{
    /// <summary>An event that goes with no stored change (a refused sign-in, a job's run): appended to its chain at once.</summary>
    Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Checks and stamps the record of a change and gives the outbox item to write in the change's own transaction.
    /// Throws <see cref="ArgumentException"/> for a malformed event, before anything is written.
    /// </summary>
    PendingAudit Stage(AuditEvent auditEvent);

    /// <summary>
    /// After the change committed: appends the record to its chain and deletes its outbox item, in one transaction that
    /// only passes while the outbox item exists, so it is never appended twice (nor at all when the change did not
    /// commit). Never fails the caller: a fault leaves the record in the outbox, where the drain of verify-audit-chain finds it.
    /// </summary>
    Task AppendAsync(PendingAudit pending, CancellationToken cancellationToken);
}
