using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The access record of every request (18.1.3): caller, tenant, method, route template, status, latency, source IP and
/// user agent; never a header's value, a query string or a body. It wraps everything after correlation, so requests
/// refused early (401, 413) or failing (500) are recorded too. The record is made durable as the response starts (before
/// its headers and body are sent), or at the end of a request whose response had not started: a response never leaves
/// ahead of its record. Latency is measured to that point. The readiness check alone is not recorded
/// (<see cref="UnrecordedEndpoint"/>).
/// </summary>
internal sealed class AccessRecordMiddleware(RequestDelegate next, IAccessRecords recorder, TimeProvider clock)
{
    public const string Action = "http.request";
    private const int MaxPathLength = 256;

    public async Task InvokeAsync(HttpContext context)
    {
        var startedAt = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        var recorded = 0;
        Task RecordOnce(int status) => Interlocked.Exchange(ref recorded, 1) == 0 && !UnrecordedEndpoint.Is(context)
            ? recorder.RecordAsync(context, Record(context, status, startedAt, clock.GetElapsedTime(started)))
            : Task.CompletedTask;

        context.Response.OnStarting(() => RecordOnce(context.Response.StatusCode));
        var failed = false;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            await RecordOnce(failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode).ConfigureAwait(false);
        }
    }

    private static AuditEvent Record(HttpContext context, int status, DateTimeOffset startedAt, TimeSpan latency)
    {
        // After an exception the handler has cleared the endpoint and route values; it keeps them in its feature.
        var failure = context.Features.Get<IExceptionHandlerFeature>();
        var endpoint = context.GetEndpoint() ?? failure?.Endpoint;
        var routeValues = failure?.RouteValues ?? context.Request.RouteValues;
        var caller = context.Features.Get<Caller>();
        var client = context.Features.Get<ServiceClientCaller>(); // a product service at /oauth2/introspect: its trail is the platform's
        var origin = RequestOrigin.Of(context);
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        var path = context.Request.Path.Value ?? "/";
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = context.Request.Method,
            ["route"] = route ?? "(none)",
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["latencyMs"] = latency.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture),
            ["correlationId"] = context.TraceIdentifier,
        };
        var tenantId = TenantOf(caller, endpoint?.Metadata.GetMetadata<AccessRule>(), routeValues[AccessRule.TenantRouteValue] as string, status);
        if (caller is not null)
        {
            details["sessionId"] = caller.SessionId;
            if (caller.TenantId != tenantId)
            {
                details["actorTenantId"] = caller.TenantId;
            }
        }

        if (client is not null)
        {
            details["serviceClientId"] = client.ClientId;
        }

        return new AuditEvent(
            AuditCategory.Access, tenantId, caller?.UserId ?? client?.ClientId, Action, path.Length > MaxPathLength ? path[..MaxPathLength] : path,
            status < 400 ? "success" : "failure", origin.SourceIp, origin.UserAgent, details)
        {
            OccurredAt = startedAt,
        };
    }

    /// <summary>
    /// The trail a request belongs to: the caller's tenant; the customer tenant an operator reached with a platform
    /// permission; the platform trail for anyone unauthenticated, so nobody writes into a tenant by only naming it.
    /// </summary>
    public static string TenantOf(Caller? caller, AccessRule? rule, string? routeTenant, int status)
    {
        if (caller is null)
        {
            return BuiltInRoles.PlatformTenantId;
        }

        var reached = routeTenant is not null && routeTenant != caller.TenantId && rule is not null && Ids.IsWellFormed(routeTenant)
            && !caller.IsRestricted && status != StatusCodes.Status404NotFound
            && AccessDecisions.Decide(caller, rule, routeTenant) == AccessDecision.Privileged;
        return reached ? routeTenant! : caller.TenantId;
    }
}
