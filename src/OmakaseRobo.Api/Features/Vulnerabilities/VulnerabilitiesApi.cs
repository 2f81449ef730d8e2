using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Vulnerabilities;

/// <summary>12.6.1 technical vulnerability findings: recorded and closed by security officers, read by the platform.</summary>
public static class VulnerabilitiesApi
{
    public static IEndpointRouteBuilder MapVulnerabilitiesApi(this IEndpointRouteBuilder routes)
    {
        var findings = routes.MapGroup("/v1/vulnerabilities").WithTags("Vulnerabilities");
        findings.MapPost("/", Create).RequirePermission(tenant: null, Permissions.PlatformVulnerabilities);
        findings.MapGet("/", List).RequirePermission(tenant: null, Permissions.PlatformRead);
        findings.MapPost("/{vulnerabilityId}/resolution", Resolve).RequirePermission(tenant: null, Permissions.PlatformVulnerabilities);
        return routes;
    }

    public static async Task<Results<Created<VulnerabilityView>, ValidationProblem, ProblemHttpResult>> Create(
        CreateVulnerabilityRequest request, Caller caller, VulnerabilitiesService findings, CancellationToken cancellationToken) =>
        (await findings.CreateAsync(request, caller, cancellationToken)).Map(view => TypedResults.Created($"/v1/vulnerabilities/{view.VulnerabilityId}", view));

    /// <summary>Query <c>status</c>: open (default), overdue, closed or all; overdue first by due date.</summary>
    public static async Task<Results<Ok<VulnerabilityList>, ValidationProblem, ProblemHttpResult>> List(
        string? status, VulnerabilitiesService findings, CancellationToken cancellationToken) =>
        (await findings.ListAsync(status, cancellationToken)).Map(TypedResults.Ok);

    public static async Task<Results<Ok<VulnerabilityView>, ValidationProblem, ProblemHttpResult>> Resolve(
        string vulnerabilityId, ResolveVulnerabilityRequest request, Caller caller, VulnerabilitiesService findings, CancellationToken cancellationToken) =>
        (await findings.ResolveAsync(vulnerabilityId, request, caller, cancellationToken)).Map(TypedResults.Ok);
}
