namespace OmakaseRobo.Api.Platform.OpenApi;

// What a route declares about itself for the OpenAPI document; ApiDescription reads it.

/// <summary>One status answered in several shapes (sign-in: a session, or an MFA challenge).</summary>
internal sealed record OneOfResponse(int Status, string Description, Type[] Types);

/// <summary>An operation called by a service client (HTTP Basic) with a form body: its fields and their meaning, and which are required.</summary>
internal sealed record ServiceClientForm(IReadOnlyList<(string Name, string Description)> Fields, IReadOnlyList<string> Required);

/// <summary>Examples of an operation's request body and success answer, as JSON.</summary>
internal sealed record OperationExamples(string? Request, string? Response);

internal static class ApiDescriptionExtensions
{
    public static TBuilder ProducesOneOf<TBuilder>(this TBuilder builder, int status, string description, params Type[] types)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new OneOfResponse(status, description, types));

    public static TBuilder WithExamples<TBuilder>(this TBuilder builder, string? request = null, string? response = null)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new OperationExamples(request, response));
}
