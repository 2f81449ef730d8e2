namespace OmakaseRobo.Api.Features.ServiceClients;

public sealed record CreateServiceClientRequest(string? Name, string? Description);

/// <summary>The only answer that ever holds the secret.</summary>
public sealed record CreatedServiceClient(string ClientId, string ClientSecret, string Name, string? Description, DateTimeOffset CreatedAt);

public sealed record ServiceClientItem(string ClientId, string Name, string? Description, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record ServiceClientList(IReadOnlyList<ServiceClientItem> Items);
