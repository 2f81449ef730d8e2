using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>Where the access record middleware hands each request's record.</summary>
internal interface IAccessRecords
{
    /// <summary>Completes when the record is as safe as it will be before the response leaves.</summary>
    Task RecordAsync(HttpContext context, AuditEvent record);
}

/// <summary>
/// Makes a request's access record durable before its response leaves: one write of its outbox item (with the start
/// record on the first request, in the same round trip), then its append to the chain behind the response. In Lambda
/// the environment may be frozen or killed the moment the response is out; the outbox item outlives it, and the drain
/// of verify-audit-chain appends it. When storage already failed the request, or the write does not succeed within
/// <see cref="DependencyOptions.AccessRecordBudget"/> and what is left of the request's budget (so a slow write never
/// holds the answer past that budget), a log line stands in for the record and it is held in memory
/// (<see cref="AuditBuffer.Hold"/>). A request whose record did reach storage then has the held records put in the
/// outbox too, within what is left of its budget, so they are durable before its answer.
/// </summary>
internal sealed partial class AccessRecorder(
    IAuditTrail trail, AuditOutboxStore outbox, AuditBuffer buffer, StartupRecord startup, OmakaseOptions options, ILogger<AccessRecorder> logger)
    : IAccessRecords
{
    public async Task RecordAsync(HttpContext context, AuditEvent record)
    {
        var records = new List<PendingAudit>(2);
        if (startup.TakeOnce() is { } start)
        {
            records.Add(trail.Stage(start));
        }

        records.Add(trail.Stage(record));
        var wait = RequestBudget.Within(context, options.Dependencies.AccessRecordBudget);
        if (!context.Items.ContainsKey(ProblemExceptionHandler.FaultItem) && wait > TimeSpan.Zero)
        {
            using var budget = new CancellationTokenSource(wait);
            var stored = false;
            try
            {
                await outbox.PutAsync(records, budget.Token).ConfigureAwait(false);
                stored = true;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogNotDurable(logger, exception, context.TraceIdentifier);
            }

            if (stored)
            {
                foreach (var pending in records)
                {
                    await buffer.AppendLaterAsync(pending).ConfigureAwait(false);
                }

                // Storage takes writes: records held from an outage go in the outbox now, not when a timer that a
                // frozen Lambda environment does not run says so. Free when none are held.
                await buffer.RetryHeldNowAsync(budget.Token).ConfigureAwait(false);
                return;
            }
        }

        foreach (var pending in records)
        {
            LogStandIn(logger, pending.Event.TenantId, pending.Event.ActorId, pending.Event.Action, pending.Event.Target, pending.Event.Outcome, context.TraceIdentifier);
            buffer.Hold(pending);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Access record not stored; held in memory (trace {TraceId})")]
    private static partial void LogNotDurable(ILogger logger, Exception exception, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit record stands in the log until stored: tenant {TenantId} actor {ActorId} {Action} {Target} {Outcome} (trace {TraceId})")]
    private static partial void LogStandIn(ILogger logger, string tenantId, string? actorId, string action, string? target, string outcome, string traceId);
}
