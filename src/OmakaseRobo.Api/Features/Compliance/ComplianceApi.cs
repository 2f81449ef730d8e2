using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Compliance;

/// <summary>18.2.1 evidence for platform auditors and security officers: the live signed report, attestations, the monthly reports, the signing key.</summary>
internal static class ComplianceApi
{
    private const string Json = "application/json";
    private const string Html = "text/html; charset=utf-8";
    private const string Pem = "application/x-pem-file";

    public static IEndpointRouteBuilder MapComplianceApi(this IEndpointRouteBuilder routes)
    {
        var compliance = routes.MapGroup("/v1/compliance").WithTags("Compliance");
        compliance.MapGet("/report", Report)
            .WithSummary("Build the compliance report")
            .WithDescription("Every guideline item with its live checks, signed (ECDSA P-256, see signature.keyId). Accept text/html for the printable page; Accept-Language ja or en.")
            .Produces<ComplianceReport>(StatusCodes.Status200OK, Json)
            .RequirePermission(tenant: null, Permissions.PlatformComplianceRead);
        compliance.MapPost("/attestations", Attest)
            .WithSummary("Record an attestation")
            .WithDescription("Records an organisational control done by people (item, summary, reference, performedAt); the report shows it attested within its period.")
            .RequirePermission(tenant: null, Permissions.PlatformComplianceAttest);
        compliance.MapGet("/reports", List)
            .WithSummary("List stored compliance reports")
            .WithDescription("The signed reports of the monthly compliance-report job, newest first.")
            .RequirePermission(tenant: null, Permissions.PlatformComplianceRead);
        compliance.MapGet("/reports/{reportId}", Get)
            .WithSummary("Read a stored compliance report")
            .WithDescription("One stored report exactly as it was signed (or its printable page with Accept text/html).")
            .Produces<ComplianceReport>(StatusCodes.Status200OK, Json)
            .RequirePermission(tenant: null, Permissions.PlatformComplianceRead);
        routes.MapGet("/v1/audit/signing-key", SigningKey).WithTags("Audit")
            .WithSummary("Read the audit signing key")
            .WithDescription("The audit signing key's public key (PEM) and keyId, for verifying checkpoints and compliance reports offline; the PEM file itself with Accept application/x-pem-file.")
            .Produces<SigningKeyView>(StatusCodes.Status200OK, Json)
            .RequirePermission(tenant: null, Permissions.PlatformComplianceRead);
        return routes;
    }

    public static async Task<ContentHttpResult> Report(HttpContext context, ComplianceService compliance, CancellationToken cancellationToken)
    {
        var signed = await compliance.ReportAsync(null, cancellationToken);
        return Answer(context, signed.Report, signed.Json);
    }

    public static async Task<Results<Created<AttestationView>, ValidationProblem, ProblemHttpResult>> Attest(
        AttestationRequest request, Caller caller, ComplianceService compliance, CancellationToken cancellationToken) =>
        (await compliance.AttestAsync(request, caller, cancellationToken)).Map(attestation => TypedResults.Created((string?)null, attestation)); // read back through the report: no URL of its own

    public static async Task<Ok<StoredReportList>> List(ComplianceService compliance, CancellationToken cancellationToken) =>
        TypedResults.Ok(new StoredReportList(await compliance.ListReportsAsync(cancellationToken)));

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Get(
        string reportId, HttpContext context, ComplianceService compliance, CancellationToken cancellationToken)
    {
        if (await compliance.StoredReportAsync(reportId, cancellationToken) is not { } json)
        {
            return Problems.Of("not-found");
        }

        var report = WantsHtml(context) ? System.Text.Json.JsonSerializer.Deserialize(json, AppJsonContext.Default.ComplianceReport) : null;
        return Answer(context, report, json);
    }

    /// <summary>JSON (keyId and PEM), or the PEM file itself with <c>Accept: application/x-pem-file</c>, ready for openssl.</summary>
    public static async Task<Results<Ok<SigningKeyView>, ContentHttpResult>> SigningKey(HttpContext context, ComplianceService compliance, CancellationToken cancellationToken)
    {
        var key = await compliance.SigningKeyAsync(cancellationToken);
        var pem = context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(Pem, StringComparison.OrdinalIgnoreCase));
        return pem ? TypedResults.Text(key.PublicKeyPem, Pem) : TypedResults.Ok(key);
    }

    /// <summary>The JSON exactly as signed, or the page under its own CSP (every other answer keeps default-src 'none').</summary>
    private static ContentHttpResult Answer(HttpContext context, ComplianceReport? report, string json)
    {
        context.Response.Headers.Vary = "Accept, Accept-Language";
        if (report is null || !WantsHtml(context))
        {
            return TypedResults.Text(json, Json);
        }

        context.Response.Headers.ContentSecurityPolicy = ComplianceHtml.ContentSecurityPolicy;
        return TypedResults.Text(ComplianceHtml.Render(report, Language.PrefersJapanese(context)), Html);
    }

    /// <summary>HTML when the caller asks for it at least as much as for JSON (a browser does; curl's */* gets JSON).</summary>
    private static bool WantsHtml(HttpContext context)
    {
        var accept = context.Request.GetTypedHeaders().Accept;
        double Quality(string type) => accept.Where(a => a.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var html = Quality("text/html");
        return html > 0 && html >= Quality(Json);
    }
}
