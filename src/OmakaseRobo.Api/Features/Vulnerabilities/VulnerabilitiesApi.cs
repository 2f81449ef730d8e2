using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Vulnerabilities;

/// <summary>12.6.1 technical vulnerability findings: recorded and closed by security officers, read by the platform.</summary>
internal static class VulnerabilitiesApi
{
    public static IEndpointRouteBuilder MapVulnerabilitiesApi(this IEndpointRouteBuilder routes)
    {
        var findings = routes.MapGroup("/v1/vulnerabilities").WithTags("Vulnerabilities");
        findings.MapPost("/", Create).RequirePermission(tenant: null, Permissions.PlatformVulnerabilities)
            .WithSummary("Record a vulnerability").WithDescription("The due date follows the severity: critical 24 h, high 7 days, medium 30 days, low the next maintenance day.")
            .WithExamples("""{"title":"OpenSSL advisory","severity":"high","component":"base image","reference":"CVE-2026-0001"}""");
        findings.MapGet("/", List).RequirePermission(tenant: null, Permissions.PlatformRead)
            .WithSummary("List vulnerabilities").WithDescription("`status`: open (default), overdue, closed or all; ordered by due date.");
        findings.MapPost("/{vulnerabilityId}/resolution", Resolve).RequirePermission(tenant: null, Permissions.PlatformVulnerabilities)
            .WithSummary("Close a vulnerability").WithDescription("Closes the finding with a resolution note; whether it was overdue is recorded.")
            .WithExamples("""{"note":"Base image rebuilt with the fixed release"}""");
        return routes;
    }

    public static async Task<Results<Created<VulnerabilityView>, ValidationProblem, ProblemHttpResult>> Create(
        CreateVulnerabilityRequest request, Caller caller, VulnerabilitiesService findings, CancellationToken cancellationToken) =>
        (await findings.CreateAsync(request, caller, cancellationToken)).Map(view => TypedResults.Created((string?)null, view)); // no GET of one finding: the list is the resource to read

    /// <summary>Query <c>status</c>: open (default), overdue, closed or all; overdue first by due date.</summary>
    public static async Task<Results<Ok<VulnerabilityList>, ValidationProblem, ProblemHttpResult>> List(
        string? status, VulnerabilitiesService findings, CancellationToken cancellationToken) =>
        (await findings.ListAsync(status, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<VulnerabilityView>, ValidationProblem, ProblemHttpResult>> Resolve(
        string vulnerabilityId, ResolveVulnerabilityRequest request, Caller caller, VulnerabilitiesService findings, CancellationToken cancellationToken) =>
        (await findings.ResolveAsync(vulnerabilityId, request, caller, cancellationToken)).Map(TypedResults.Ok);
}
