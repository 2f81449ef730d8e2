using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.ServiceClients;

/// <summary>The product's own services that may introspect tokens; operators register and remove them, audited.</summary>
internal sealed class ServiceClientsService(ServiceClientStore store, IAuditTrail audit, TimeProvider clock)
{
    public async Task<Outcome<CreatedServiceClient>> CreateAsync(CreateServiceClientRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var errors = Validate.Fields(
            ("name", Validate.Required(request.Name, 100)),
            ("description", request.Description is null ? null : Validate.Required(request.Description, 500)));
        if (errors is not null)
        {
            return new Failure.Invalid(errors);
        }

        var secret = ServiceClientSecret.New();
        var client = new ServiceClientRecord(
            Ids.New(ServiceClientSecret.IdPrefix), request.Name!.Trim(), request.Description?.Trim(), ServiceClientSecret.Hash(secret), clock.GetUtcNow(), caller.UserId);
        var record = Stage(caller, "service-client.create", client.ClientId, new() { ["name"] = client.Name });
        await store.CreateAsync(client, record, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return new CreatedServiceClient(client.ClientId, secret, client.Name, client.Description, client.CreatedAt);
    }

    public async Task<List<ServiceClientItem>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(cancellationToken).ConfigureAwait(false))
            .OrderBy(c => c.CreatedAt)
            .Select(c => new ServiceClientItem(c.ClientId, c.Name, c.Description, c.CreatedAt, c.CreatedBy))];

    public async Task<Outcome<Completed>> DeleteAsync(string clientId, Caller caller, CancellationToken cancellationToken)
    {
        if (!ServiceClientSecret.IsClientId(clientId))
        {
            return new Failure.NotFound();
        }

        var record = Stage(caller, "service-client.delete", clientId, []);
        if (!await store.DeleteAsync(clientId, record, cancellationToken).ConfigureAwait(false))
        {
            return new Failure.NotFound();
        }

        await audit.AppendAsync(record, cancellationToken).ConfigureAwait(false);
        return Completed.Value;
    }

    /// <summary>The change's record, committed in its transaction (the outbox) and appended after it.</summary>
    private PendingAudit Stage(Caller caller, string action, string target, Dictionary<string, string> details) =>
        audit.Stage(new AuditEvent(
            AuditCategory.Operation, BuiltInRoles.PlatformTenantId, caller.UserId, action, target, "success", caller.SourceIp, caller.UserAgent, details));
}
