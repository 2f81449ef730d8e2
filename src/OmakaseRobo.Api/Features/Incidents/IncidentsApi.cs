using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>Incidents and the notices they send: customers report and read theirs; security officers run them.</summary>
public static class IncidentsApi
{
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder routes)
    {
        var incidents = routes.MapGroup("/v1/incidents").WithTags("Incidents");
        incidents.MapPost("/", Create).RequirePermission(Permissions.IncidentsReport, Permissions.PlatformIncidentsManage);
        incidents.MapGet("/", List).RequirePermission(Permissions.IncidentsRead, Permissions.PlatformRead);
        incidents.MapGet("/{incidentId}", Get).RequirePermission(Permissions.IncidentsRead, Permissions.PlatformRead);
        incidents.MapPost("/{incidentId}/transitions", Transition).RequirePermission(tenant: null, Permissions.PlatformIncidentsManage);
        incidents.MapPost("/{incidentId}/notices", Notice).RequirePermission(tenant: null, Permissions.PlatformIncidentsManage);
        incidents.MapPost("/{incidentId}/legal-holds", CreateHold).RequirePermission(tenant: null, Permissions.PlatformEvidence);
        incidents.MapGet("/{incidentId}/legal-holds", ListHolds).RequirePermission(tenant: null, Permissions.PlatformEvidence);
        incidents.MapDelete("/{incidentId}/legal-holds/{holdId}", ReleaseHold).RequirePermission(tenant: null, Permissions.PlatformEvidence);
        incidents.MapGet("/{incidentId}/evidence", Evidence).RequirePermission(tenant: null, Permissions.PlatformEvidence);
        routes.MapGet("/v1/tenants/{tenantId}/notices", Notices).WithTags("Incidents").RequirePermission(Permissions.NoticesRead, Permissions.PlatformRead);
        return routes;
    }

    public static async Task<Results<Created<CreatedIncident>, ValidationProblem, ProblemHttpResult>> Create(
        CreateIncidentRequest request, Caller caller, IncidentsService incidents, CancellationToken cancellationToken) =>
        (await incidents.CreateAsync(request, caller, cancellationToken)).Map(created => TypedResults.Created($"/v1/incidents/{created.IncidentId}", created));

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
