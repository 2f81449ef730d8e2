using Microsoft.AspNetCore.Http.HttpResults;
using OmakaseRobo.Api.Platform.Access;

namespace OmakaseRobo.Api.Features.ServiceClients;

/// <summary>Service clients (/v1/service-clients): operators register them, the platform's readers list them.</summary>
internal static class ServiceClientsApi
{
    public static IEndpointRouteBuilder MapServiceClientsApi(this IEndpointRouteBuilder routes)
    {
        var clients = routes.MapGroup("/v1/service-clients").WithTags("Service clients");
        clients.MapPost("/", Create).RequirePermission(null, Permissions.PlatformServiceClientsManage)
            .WithSummary("Register a service client").WithDescription("A client of token introspection for one of the product's services: its `clientSecret` (256 bits) is shown once and stored only as a hash. Operators only.");
        clients.MapGet("/", List).RequirePermission(null, Permissions.PlatformRead)
            .WithSummary("List service clients").WithDescription("Every registered service client, without secrets.");
        clients.MapDelete("/{clientId}", Delete).RequirePermission(null, Permissions.PlatformServiceClientsManage)
            .WithSummary("Delete a service client").WithDescription("The client is refused at its very next introspection call.");
        return routes;
    }

    public static async Task<Results<Created<CreatedServiceClient>, ValidationProblem, ProblemHttpResult>> Create(
        CreateServiceClientRequest request, Caller caller, ServiceClientsService clients, CancellationToken cancellationToken) =>
        (await clients.CreateAsync(request, caller, cancellationToken)).Map(created => TypedResults.Created($"/v1/service-clients/{created.ClientId}", created));

    public static async Task<Ok<ServiceClientList>> List(ServiceClientsService clients, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ServiceClientList(await clients.ListAsync(cancellationToken)));

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        string clientId, Caller caller, ServiceClientsService clients, CancellationToken cancellationToken) =>
        (await clients.DeleteAsync(clientId, caller, cancellationToken)).Map(_ => TypedResults.NoContent());
}
