using System.Globalization;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Http;
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

    /// <summary>
    /// A new customer tenant. Under an Idempotency-Key its id is the key's: a retry of a call whose answer was lost, or a
    /// call racing it, is answered with the tenant the first one made (422 for another request under the key, 409 once
    /// that tenant has been deleted).
    /// </summary>
    public async Task<Outcome<CreatedTenant>> CreateAsync(CreateTenantRequest request, string? idempotencyKey, Caller caller, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            (IdempotencyKey.Header, IdempotencyKey.TryParse(idempotencyKey, out var key) ? null : FieldMessages.InvalidFormat),
            ("name", Validate.Required(request.Name, 200)),
            ("adminLimit", request.AdminLimit is null or (>= 1 and <= MaxAdminLimit) ? null : "out-of-range"));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var (name, adminLimit, requireMfa) = (request.Name!.Trim(), request.AdminLimit ?? DefaultAdminLimit, request.RequireMfaForAdmins ?? true);
        var fingerprint = key is null ? null : IdempotencyKey.Fingerprint([name, adminLimit.ToString(CultureInfo.InvariantCulture), requireMfa ? "true" : "false"]);
        var tenantId = key?.IdFor("t", caller) ?? Ids.New("t");
        if (key is not null && await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return Replay(earlier, fingerprint);
        }

        var tenant = new TenantRecord(
            tenantId, name, adminLimit, requireMfa, 0, TenantRecord.Active, clock.GetUtcNow(), new Dictionary<string, List<string>>(), RequestFingerprint: fingerprint);
        var record = audit.Stage(AuditEvent.By(caller, AuditCategory.Operation, "tenant.create", tenant.TenantId, tenantId: tenant.TenantId, details: new()
        {
            ["adminLimit"] = tenant.AdminLimit.ToString(CultureInfo.InvariantCulture),
            ["requireMfaForAdmins"] = tenant.RequireMfaForAdmins ? "true" : "false",
        }));
        if (!await tenants.CreateAsync(tenant, record, cancellationToken).ConfigureAwait(false))
        {
            return await tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } first
                ? Replay(first, fingerprint)
                : new Failure.Conflict("The tenant this Idempotency-Key created has been deleted since.");
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new CreatedTenant(tenant.TenantId);
    }

    /// <summary>The answer to a call under a key already used: the tenant it made, if the request is the same.</summary>
    private static Outcome<CreatedTenant> Replay(TenantRecord earlier, string? fingerprint) =>
        earlier.RequestFingerprint == fingerprint ? new CreatedTenant(earlier.TenantId) : new Failure.KeyReused();

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
