using OmakaseRobo.Api.Features.Tenants;
using OmakaseRobo.Api.Features.Webhooks;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>
/// 16.1.1: detection by an operator or a report by a customer; initial response, investigation, recovery,
/// post-incident review, closed, in that order; notices (initial, update, final) to every affected tenant, stored
/// with a pending delivery for each tenant's webhook and their audit records (one transaction), then delivered within a
/// bounded time; what is not delivered by then is left to retry-webhooks.
/// </summary>
internal sealed class IncidentsService(
    IncidentStore store, NoticeOutbox notices, TenantStore tenants, WebhookDispatcher webhooks, IAuditTrail audit, OmakaseOptions options, TimeProvider clock)
{
    public const string Initial = "initial";
    public const string Update = "update";
    public const string Final = "final";
    private static readonly string[] NoticeKinds = [Initial, Update, Final];

    /// <summary>
    /// Opens (security officers) or reports (customers) an incident. Under an Idempotency-Key the incident's id is the
    /// key's, so a retry of a call whose answer was lost, or a second call racing the first, is answered with the
    /// incident the first one made; the same key with another request is 422.
    /// </summary>
    public async Task<Outcome<CreatedIncident>> CreateAsync(CreateIncidentRequest request, string? idempotencyKey, Caller caller, CancellationToken cancellationToken)
    {
        var affected = caller.IsPlatform ? (request.AffectedTenantIds ?? []).Distinct(StringComparer.Ordinal).ToList() : [caller.TenantId];
        var errors = Validate.Fields(
            (IdempotencyKey.Header, IdempotencyKey.TryParse(idempotencyKey, out var key) ? null : FieldMessages.InvalidFormat),
            ("title", Validate.Required(request.Title, 200)),
            ("description", Validate.Text(request.Description, 4000)),
            ("severity", request.Severity is null || Severity.All.Contains(request.Severity) ? null : FieldMessages.UnknownValue),
            ("affectedTenantIds", affected.Count > IncidentStore.MaxAffectedTenants ? FieldMessages.TooLong
                : caller.IsPlatform && !await AllExistAsync(affected, cancellationToken).ConfigureAwait(false) ? FieldMessages.UnknownValue : null));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var (title, description, severity) = (request.Title!.Trim(), request.Description!.Trim(), request.Severity ?? "medium");
        var fingerprint = key is null ? null : IdempotencyKey.Fingerprint([title, description, severity, .. affected.Order(StringComparer.Ordinal)]);
        var incidentId = key?.IdFor("i", caller) ?? Ids.New("i");
        if (key is not null && await store.GetAsync(incidentId, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return Replay(earlier, fingerprint);
        }

        var now = clock.GetUtcNow();
        var source = caller.IsPlatform ? IncidentRecord.FromOperator : IncidentRecord.FromCustomer;
        var status = IncidentRecord.FirstPhaseOf(source);
        var incident = new IncidentRecord(
            incidentId, title, description, severity, status, source,
            caller.IsPlatform ? null : caller.TenantId, caller.IsPlatform ? null : caller.UserId,
            affected, new Dictionary<string, DateTimeOffset> { [status] = now }, [], [], now,
            caller.IsPlatform ? now : null, null, null, RequestFingerprint: fingerprint);
        var record = Stage(caller, caller.IsPlatform ? BuiltInRoles.PlatformTenantId : caller.TenantId, "incident.create", incident.IncidentId,
            new() { ["status"] = status, ["severity"] = incident.Severity, ["affectedTenantIds"] = string.Join(',', affected) });
        if (!await store.CreateAsync(incident, record, cancellationToken).ConfigureAwait(false))
        {
            return Replay((await store.GetAsync(incidentId, cancellationToken).ConfigureAwait(false))!, fingerprint);
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new CreatedIncident(incident.IncidentId, status);
    }

    /// <summary>The answer to a call under a key already used: the incident it made, if the request is the same.</summary>
    private static Outcome<CreatedIncident> Replay(IncidentRecord earlier, string? fingerprint) =>
        earlier.RequestFingerprint == fingerprint ? new CreatedIncident(earlier.IncidentId, earlier.FirstPhase) : new Failure.KeyReused();

    public async Task<List<IncidentView>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        var incidents = caller.IsPlatform
            ? await store.ListAllAsync(cancellationToken).ConfigureAwait(false)
            : await store.ListForTenantAsync(caller.TenantId, cancellationToken).ConfigureAwait(false);
        return [.. incidents.Where(i => caller.IsPlatform || i.Concerns(caller.TenantId)).Select(i => View(i, caller))];
    }

    /// <summary>Null when it does not exist or does not concern the caller's tenant (answered alike: 404).</summary>
    public async Task<IncidentView?> GetAsync(string incidentId, Caller caller, CancellationToken cancellationToken)
    {
        var incident = await store.GetAsync(incidentId, cancellationToken).ConfigureAwait(false);
        return incident is not null && (caller.IsPlatform || incident.Concerns(caller.TenantId)) ? View(incident, caller) : null;
    }

    public async Task<Outcome<IncidentView>> TransitionAsync(string incidentId, TransitionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var incident = await store.GetAsync(incidentId, cancellationToken).ConfigureAwait(false);
        if (incident is null)
        {
            return new Failure.NotFound();
        }

        var note = request.Note?.Trim() ?? string.Empty;
        var errors = Validate.Fields(
            ("to", Validate.Required(request.To, 32) ?? (IncidentPhase.CanMove(incident.Status, request.To!) ? null : "transition-not-allowed")),
            ("note", note.Length == 0 ? (request.To == IncidentPhase.Dismissed ? FieldMessages.Required : null) : Validate.Text(note, 4000)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var transition = new IncidentTransition(incident.Status, request.To!, caller.UserId, clock.GetUtcNow(), note);
        var record = Stage(caller, BuiltInRoles.PlatformTenantId, "incident.transition", incidentId, new() { ["from"] = transition.From, ["to"] = transition.To });
        if (!await store.TransitionAsync(incident, transition, request.To == IncidentPhase.Dismissed ? note : null, record, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.Conflict("The incident changed meanwhile; read it and try again.");
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return View((await store.GetAsync(incidentId, cancellationToken).ConfigureAwait(false))!, caller);
    }

    /// <summary>
    /// A notice to every affected tenant: an initial one first (once), updates after it, a final one (once) from the
    /// post-incident review on. Stored per tenant with its pending delivery and audit record, then delivered. A call
    /// that repeats the incident's latest notice (same kind, same message) is a retry of the call that sent it: it is
    /// answered with that notice, which is not sent again.
    /// </summary>
    public async Task<Outcome<NoticeSent>> SendNoticeAsync(string incidentId, NoticeRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var incident = await store.GetAsync(incidentId, cancellationToken).ConfigureAwait(false);
        if (incident is null)
        {
            return new Failure.NotFound();
        }

        var message = request.Message?.Trim();
        var repeated = incident.LatestNotice is { } latest && request.Kind is not null && message is not null && latest.Repeats(request.Kind, message) ? latest : null;
        var errors = Validate.Fields(
            ("kind", Validate.Required(request.Kind, 16)
                ?? (!NoticeKinds.Contains(request.Kind) ? FieldMessages.UnknownValue : repeated is not null || Allowed(incident, request.Kind!) ? null : "notice-not-allowed")),
            ("message", Validate.Text(request.Message, 4000)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        if (repeated is not null)
        {
            // Sent by an earlier call whose answer was lost or failed: finish what that call may have left, answer it.
            await notices.ResumeAsync(incident.IncidentId, repeated.Sequence, cancellationToken).ConfigureAwait(false);
            return new NoticeSent(repeated.Kind, incident.AffectedTenantIds, repeated.At);
        }

        if (incident.AffectedTenantIds.Count == 0)
        {
            return new Failure.Conflict("The incident affects no tenant.");
        }

        var now = clock.GetUtcNow();
        var withWebhook = await webhooks.TenantsWithWebhookAsync(incident.AffectedTenantIds, cancellationToken).ConfigureAwait(false);
        var batch = NoticeBatch.New(incident, request.Kind!, message!, now, NoticeActor.Of(caller), withWebhook, audit);
        if (!await notices.CommitAsync(store.NoticeKindWrite(incident, request.Kind!, message!, now), batch, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.Conflict("The incident changed meanwhile; read it and try again.");
        }

        // Committed: the notice is sent, whatever fails from here (a 503 now would invite a retry of a notice that
        // stands). A batch cut off between its chunks keeps its dispatch item, which retry-webhooks finishes.
        var sent = new NoticeSent(request.Kind!, incident.AffectedTenantIds, now);
        if (!await notices.TryWriteRestAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            return sent;
        }

        // Stored whole. The records go to their chains while the deliveries get one bounded window, and what is not
        // delivered in it stays pending for retry-webhooks; neither fails the call.
        await Task.WhenAll(
            Task.WhenAll(batch.Units.Select(u => audit.AppendAsync(u.Record, cancellationToken))),
            webhooks.DeliverWithinAsync([.. batch.Units.Select(u => u.Delivery).OfType<DeliveryRecord>()], options.Webhooks.InlineBudget, cancellationToken)).ConfigureAwait(false);
        return sent;
    }

    public async Task<List<NoticeView>?> ListNoticesAsync(string tenantId, CancellationToken cancellationToken) =>
        await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null
            ? null
            : [.. (await store.ListNoticesAsync(tenantId, cancellationToken).ConfigureAwait(false)).Select(n => new NoticeView(n.NoticeId, n.IncidentId, n.Kind, n.Message, n.CreatedAt))];

    private static bool Allowed(IncidentRecord incident, string kind)
    {
        var inLifecycle = Array.IndexOf(IncidentPhase.Lifecycle, incident.Status) >= 0;
        var hasInitial = incident.NoticeKinds.Contains(Initial);
        return kind switch
        {
            Initial => inLifecycle && !hasInitial,
            Update => inLifecycle && hasInitial && !incident.NoticeKinds.Contains(Final),
            _ => hasInitial && !incident.NoticeKinds.Contains(Final) && IncidentPhase.IsAtOrAfter(incident.Status, IncidentPhase.PostIncident),
        };
    }

    private IncidentView View(IncidentRecord incident, Caller caller)
    {
        var overdue = incident.InitialNoticeAt is null && incident.DetectedAt is { } detected
            && incident.Status != IncidentPhase.Closed
            && clock.GetUtcNow() - detected > options.Incidents.InitialNoticeDeadline;
        return new IncidentView(
            incident.IncidentId, incident.Title, incident.Description, incident.Severity, incident.Status, incident.Source,
            incident.PhaseTimes, incident.NoticeKinds, incident.CreatedAt, incident.DetectedAt, incident.InitialNoticeAt,
            incident.InitialNoticeAt is { } sent && incident.DetectedAt is { } start ? (sent - start).TotalSeconds : null,
            overdue, incident.DismissReason,
            caller.IsPlatform ? incident.AffectedTenantIds : null,
            caller.IsPlatform ? incident.ReporterTenantId : null,
            caller.IsPlatform ? [.. incident.Transitions.Select(t => new TransitionView(t.From, t.To, t.ActorId, t.At, t.Note))] : null);
    }

    private async Task<bool> AllExistAsync(List<string> tenantIds, CancellationToken cancellationToken)
    {
        foreach (var tenantId in tenantIds)
        {
            if (tenantId == BuiltInRoles.PlatformTenantId || await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The change's record, committed in its transaction (the outbox) and appended after it.</summary>
    private PendingAudit Stage(Caller caller, string tenantId, string action, string target, Dictionary<string, string> details)
    {
        details["actorTenantId"] = caller.TenantId;
        return audit.Stage(new AuditEvent(AuditCategory.Operation, tenantId, caller.UserId, action, target, "success", caller.SourceIp, caller.UserAgent, details));
    }
}
