using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Features.Tenants;

namespace OmakaseRobo.Api.Features.Access;

/// <summary>
/// The one place that authorizes (9.2.2, 9.4.4): it reads the endpoint's <see cref="AccessRule"/>, resolves the
/// caller from their session, and decides. An endpoint that declares nothing is refused (fail closed).
/// </summary>
internal sealed class AccessMiddleware(RequestDelegate next, CallerResolver callers, IAuditTrail audit, TenantStore tenants, UserStore users, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is not RouteEndpoint)
        {
            await next(context).ConfigureAwait(false); // no route matched, or the 405 rejection: problems downstream
            return;
        }

        if (endpoint.Metadata.GetMetadata<AccessRule>() is not { } rule)
        {
            await WriteAsync(context, "forbidden").ConfigureAwait(false); // fail closed; a test keeps this from happening
            return;
        }

        if (rule.Anonymous)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var token = BearerToken.FromAuthorizationHeader(context.Request.Headers.Authorization);
        var caller = token is null ? null : await callers.ResolveAsync(token, RequestOrigin.Of(context), context.RequestAborted).ConfigureAwait(false);
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context, "unauthorized").ConfigureAwait(false);
            return;
        }

        context.Features.Set(caller);
        if (caller.IsRestricted && !rule.AllowedWhileRestricted)
        {
            await WriteAsync(context, caller.PasswordChangeRequired ? "password-change-required" : "mfa-enrollment-required").ConfigureAwait(false);
            return;
        }

        var routeTenant = context.Request.RouteValues[AccessRule.TenantRouteValue] as string;
        var decision = AccessDecisions.Decide(caller, rule, routeTenant);
        if (decision == AccessDecision.Privileged)
        {
            // Into the reached tenant's own trail, where its admins read who of the platform came in; a tenant that does
            // not exist (or no longer does) has no trail, and the record stays in the caller's.
            var reached = await tenants.GetAsync(routeTenant!, context.RequestAborted).ConfigureAwait(false) is null ? null : routeTenant;
            await audit.WriteAsync(AuditEvent.By(
                caller, AuditCategory.Operation, "privileged-access", context.Request.Path, "success",
                new Dictionary<string, string>
                {
                    ["method"] = context.Request.Method,
                    ["route"] = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? string.Empty,
                    ["tenantId"] = routeTenant!,
                },
                reached), context.RequestAborted).ConfigureAwait(false);
        }

        if (decision is AccessDecision.Allowed or AccessDecision.Privileged && IsPrivilegedChange(caller, rule, context.Request.Method))
        {
            await users.RecordPrivilegedActionAsync(caller.TenantId, caller.UserId, clock.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        }

        switch (decision)
        {
            case AccessDecision.Allowed or AccessDecision.Privileged:
                await next(context).ConfigureAwait(false);
                break;
            case AccessDecision.NotFound:
                await WriteAsync(context, "not-found").ConfigureAwait(false);
                break;
            default:
                await WriteAsync(context, "forbidden").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A state-changing call made by a privileged user: what the access review calls a privileged action.</summary>
    private static bool IsPrivilegedChange(Caller caller, AccessRule rule, string method) =>
        !HttpMethods.IsGet(method) && (rule.TenantPermission is not null || rule.PlatformPermission is not null)
        && caller.IsPrivileged;

    private static Task WriteAsync(HttpContext context, string slug)
    {
        RequestBudget.Answer(context); // a refusal after a slow session read is still written whole
        return Problems.Of(slug).ExecuteAsync(context);
    }
}
