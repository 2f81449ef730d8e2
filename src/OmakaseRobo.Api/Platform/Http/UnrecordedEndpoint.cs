namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// Endpoint metadata: a request this endpoint answers gets no access record. Only the readiness check (GET /healthz)
/// carries it: it answers without touching storage, so a storage outage or a probe every few seconds neither slows it
/// nor grows the platform's trail.
/// </summary>
internal sealed class UnrecordedEndpoint
{
    public static readonly UnrecordedEndpoint Instance = new();

    private UnrecordedEndpoint()
    {
    }

    public static bool Is(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<UnrecordedEndpoint>() is not null;
}

internal static class UnrecordedEndpointExtensions
{
    public static TBuilder WithoutAccessRecord<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(UnrecordedEndpoint.Instance);
}
