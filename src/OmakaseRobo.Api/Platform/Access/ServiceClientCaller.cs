namespace OmakaseRobo.Api.Platform.Access;

/// <summary>
/// The product service behind a request that authenticated as a service client (HTTP Basic), not as a user: set as a
/// request feature so the access record names the client.
/// </summary>
internal sealed record ServiceClientCaller(string ClientId);
