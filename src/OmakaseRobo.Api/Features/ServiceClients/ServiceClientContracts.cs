namespace OmakaseRobo.Api.Features.ServiceClients;

internal sealed record CreateServiceClientRequest(string? Name, string? Description);

/// <summary>The only answer that ever holds the secret.</summary>
internal sealed record CreatedServiceClient(string ClientId, string ClientSecret, string Name, string? Description, DateTimeOffset CreatedAt);

internal sealed record ServiceClientItem(string ClientId, string Name, string? Description, DateTimeOffset CreatedAt, string CreatedBy);

internal sealed record ServiceClientList(IReadOnlyList<ServiceClientItem> Items);
