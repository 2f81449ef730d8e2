using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>Incidents and the notices they send: customers report and read theirs; security officers run them.</summary>
internal static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder routes)
    {
        var incidents = routes.MapGroup("/v1/incidents").WithTags("Incidents");
        incidents.MapPost("/", Create).RequirePermission(Permissions.IncidentsReport, Permissions.PlatformIncidentsManage)
            .WithSummary("Open or report an incident").WithDescription("A security officer opens one in `detection` with `affectedTenantIds`; a customer reports one about their own tenant, "
                + "which stays `reported` until accepted or dismissed. With an `Idempotency-Key` header (1 to 128 visible ASCII characters), the same request sent again by "
                + "the same caller is answered with the incident the first call made, never a second one; the same key with another request is 422.")
            .ProducesProblem(422)
            .WithExamples("""{"title":"Suspicious sign-ins","description":"Many failed sign-ins from one address","severity":"high"}""", """{"incidentId":"i_01jd9a...","status":"reported"}""");
        incidents.MapGet("/", List).RequirePermission(Permissions.IncidentsRead, Permissions.PlatformRead)
            .WithSummary("List incidents").WithDescription("Security officers see all, with `initialNoticeOverdue`; customers see those concerning their tenant, without internal notes.");
        incidents.MapGet("/{incidentId}", Get).RequirePermission(Permissions.IncidentsRead, Permissions.PlatformRead)
            .WithSummary("Read an incident").WithDescription("Its phases with time, actor and note, and its notices; a customer's view omits internal notes and other tenants.");
        incidents.MapPost("/{incidentId}/transitions", Transition).RequirePermission(tenant: null, Permissions.PlatformIncidentsManage)
            .WithSummary("Move an incident to its next phase").WithDescription("detection, initial-response, investigation, recovery, post-incident, closed, in order (a report: "
                + "to detection or dismissed); one conditional write on the current phase, so 409 when it changed meanwhile.")
            .ProducesProblem(409).WithExamples("""{"to":"initial-response","note":"Blocked the address at the WAF"}""");
        incidents.MapPost("/{incidentId}/notices", Notice).RequirePermission(tenant: null, Permissions.PlatformIncidentsManage)
            .WithSummary("Send a notice to the affected tenants").WithDescription("`initial` (once), `update` (after it) or `final` (once, from post-incident on): stored for every "
                + "affected tenant in one transaction and posted to each tenant's webhook; 201 once stored, whatever fails after. A call with the kind and message of the incident's "
                + "latest notice is a retry of it (its answer was lost or failed): 201 with that notice, not sent again. 409 when the incident affects no tenant or changed meanwhile.")
            .ProducesProblem(409).WithExamples("""{"kind":"initial","message":"We are investigating failed sign-ins."}""");
        incidents.MapPost("/{incidentId}/legal-holds", CreateHold).RequirePermission(tenant: null, Permissions.PlatformEvidence)
            .WithSummary("Place a legal hold").WithDescription("Keeps every audit chain of the tenant on the days from-to (at most 366) beyond 30 days, whole and verifiable.")
            .WithExamples("""{"tenantId":"t_01jd8x...","from":"2026-11-20","to":"2026-11-26"}""");
        incidents.MapGet("/{incidentId}/legal-holds", ListHolds).RequirePermission(tenant: null, Permissions.PlatformEvidence)
            .WithSummary("List legal holds").WithDescription("The incident's holds, active and released.");
        incidents.MapDelete("/{incidentId}/legal-holds/{holdId}", ReleaseHold).RequirePermission(tenant: null, Permissions.PlatformEvidence)
            .WithSummary("Release a legal hold").WithDescription("Chains no other active hold covers get their 30-day expiry back.");
        incidents.MapGet("/{incidentId}/evidence", Evidence).RequirePermission(tenant: null, Permissions.PlatformEvidence)
            .WithSummary("Export evidence").WithDescription("The held records as canonical JSON with their SHA-256, a manifest hash and the chain verification of each window; the export itself is audited.");
        routes.MapGet("/v1/tenants/{tenantId}/notices", Notices).WithTags("Incidents").RequirePermission(Permissions.NoticesRead, Permissions.PlatformRead)
            .WithSummary("List a tenant's security notices").WithDescription("Every notice sent to the tenant, newest first.");
        return routes;
    }

    public static async Task<Results<Created<CreatedIncident>, ValidationProblem, ProblemHttpResult>> Create(
        CreateIncidentRequest request, [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey, Caller caller, IncidentsService incidents,
        CancellationToken cancellationToken) =>
        (await incidents.CreateAsync(request, idempotencyKey, caller, cancellationToken)).Map(created => TypedResults.Created($"/v1/incidents/{created.IncidentId}", created));

    public static async Task<Ok<IncidentList>> List(Caller caller, IncidentsService incidents, CancellationToken cancellationToken) =>
        TypedResults.Ok(new IncidentList(await incidents.ListAsync(caller, cancellationToken)));

    public static async Task<Results<Ok<IncidentView>, ProblemHttpResult>> Get(string incidentId, Caller caller, IncidentsService incidents, CancellationToken cancellationToken) =>
        await incidents.GetAsync(incidentId, caller, cancellationToken) is { } incident ? TypedResults.Ok(incident) : Problems.Of("not-found");

    public static async Task<Results<Ok<IncidentView>, ValidationProblem, ProblemHttpResult>> Transition(
        string incidentId, TransitionRequest request, Caller caller, IncidentsService incidents, CancellationToken cancellationToken) =>
        (await incidents.TransitionAsync(incidentId, request, caller, cancellationToken)).Map(view => TypedResults.Ok(view));

    public static async Task<Results<Created<NoticeSent>, ValidationProblem, ProblemHttpResult>> Notice(
        string incidentId, NoticeRequest request, Caller caller, IncidentsService incidents, CancellationToken cancellationToken) =>
        (await incidents.SendNoticeAsync(incidentId, request, caller, cancellationToken)).Map(sent => TypedResults.Created($"/v1/incidents/{incidentId}", sent));

    public static async Task<Results<Ok<NoticeList>, ProblemHttpResult>> Notices(string tenantId, IncidentsService incidents, CancellationToken cancellationToken) =>
        await incidents.ListNoticesAsync(tenantId, cancellationToken) is { } notices ? TypedResults.Ok(new NoticeList(notices)) : Problems.Of("not-found");

    public static async Task<Results<Created<HoldView>, ValidationProblem, ProblemHttpResult>> CreateHold(
        string incidentId, CreateHoldRequest request, Caller caller, LegalHoldService holds, CancellationToken cancellationToken) =>
        (await holds.CreateAsync(incidentId, request, caller, cancellationToken)).Map(hold => TypedResults.Created($"/v1/incidents/{incidentId}/legal-holds/{hold.HoldId}", hold));

    public static async Task<Results<Ok<HoldList>, ProblemHttpResult>> ListHolds(string incidentId, LegalHoldService holds, CancellationToken cancellationToken) =>
        await holds.ListAsync(incidentId, cancellationToken) is { } items ? TypedResults.Ok(new HoldList(items)) : Problems.Of("not-found");

    public static async Task<Results<NoContent, ProblemHttpResult>> ReleaseHold(
        string incidentId, string holdId, Caller caller, LegalHoldService holds, CancellationToken cancellationToken) =>
        await holds.ReleaseAsync(incidentId, holdId, caller, cancellationToken) ? TypedResults.NoContent() : Problems.Of("not-found");

    public static async Task<Results<Ok<EvidenceExport>, ProblemHttpResult>> Evidence(
        string incidentId, Caller caller, LegalHoldService holds, CancellationToken cancellationToken) =>
        await holds.ExportAsync(incidentId, caller, cancellationToken) is { } export ? TypedResults.Ok(export) : Problems.Of("not-found");
}
