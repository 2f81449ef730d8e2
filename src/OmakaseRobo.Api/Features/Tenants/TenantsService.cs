using System.Globalization;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Tenants;

/// <summary>
/// Customer tenants: operators create them and terminate their contracts (CLD.8.1.5). Termination turns the tenant
/// terminated in one conditional write, which at once fails every sign-in and every session of its users (both check
/// the tenant); after the grace period the delete-terminated-tenants job removes its data and leaves a certificate.
/// </summary>
internal sealed class TenantsService(TenantStore tenants, IAuditTrail audit, OmakaseOptions options, TimeProvider clock)
{
    public const int DefaultAdminLimit = 3;
    public const int MaxAdminLimit = 100;

    public async Task<Outcome<CreatedTenant>> CreateAsync(CreateTenantRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("name", Validate.Required(request.Name, 200)),
            ("adminLimit", request.AdminLimit is null or (>= 1 and <= MaxAdminLimit) ? null : FieldMessages.InvalidFormat));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var tenant = new TenantRecord(
            Ids.New("t"), request.Name!.Trim(), request.AdminLimit ?? DefaultAdminLimit, request.RequireMfaForAdmins ?? true, 0,
            TenantRecord.Active, clock.GetUtcNow(), new Dictionary<string, List<string>>());
        var record = audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, "tenant.create", tenant.TenantId, tenantId: tenant.TenantId, details: new()
        {
            ["adminLimit"] = tenant.AdminLimit.ToString(CultureInfo.InvariantCulture),
            ["requireMfaForAdmins"] = tenant.RequireMfaForAdmins ? "true" : "false",
        }));
        await tenants.CreateAsync(tenant, cancellationToken, record).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new CreatedTenant(tenant.TenantId);
    }

    public async Task<Outcome<TenantResponse>> GetAsync(string tenantId, CancellationToken cancellationToken) =>
        await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } tenant ? TenantResponse.From(tenant) : new Failure.NotFound();

    public async Task<Outcome<TerminationAccepted>> TerminateAsync(string tenantId, Caller caller, CancellationToken cancellationToken)
    {
        if (tenantId == BuiltInRoles.PlatformTenantId)
        {
            return new Failure.Conflict("The platform tenant cannot be terminated.");
        }

        if (!Ids.IsWellFormed(tenantId))
        {
            return new Failure.NotFound(); // no such tenant, and no audit record can name it
        }

        var now = clock.GetUtcNow();
        var deleteAfter = now + options.TerminationGracePeriod;
        var record = audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, "tenant.terminate", tenantId, tenantId: tenantId, details: new()
        {
            ["dataDeletionAfter"] = deleteAfter.ToString("O", CultureInfo.InvariantCulture),
        }));
        if (!await tenants.TerminateAsync(tenantId, now, deleteAfter, record, cancellationToken).ConfigureAwait(false))
        {
            return await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null
                ? new Failure.NotFound()
                : new Failure.Conflict("The tenant is already terminated.");
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new TerminationAccepted(tenantId, now, deleteAfter);
    }
}
