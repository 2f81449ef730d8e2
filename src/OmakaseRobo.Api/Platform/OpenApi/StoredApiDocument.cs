using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Extensions;

namespace OmakaseRobo.Api.Platform.OpenApi;

/// <summary>
/// The API document as Lambda serves it. The OpenAPI generator and its libraries cost every function 1.1 MB of binary
/// and 2 MB of resident memory, so the Native AOT publish leaves them out
/// (<see cref="Hosting.PlatformApi.DocumentGeneratorSupported"/>) and the admin function answers <c>/openapi/v1.json</c>
/// with the generator's own output for today's endpoints, kept in <c>Resources/openapi-v1.json</c> and embedded in the
/// binary. A test compares that file with what the generator makes of the endpoints and fails when they differ. Only
/// <c>servers</c> depends on the request (the caller's own base address), so it is left out of the file and filled in
/// here, as the generator fills it in.
/// </summary>
internal static class StoredApiDocument
{
    public const string ContentType = "application/json;charset=utf-8";
    private const string ResourceName = "OmakaseRobo.Api.openapi-v1.json";

    /// <summary>The document without <c>servers</c>, as the file holds it (read from the binary's own pages).</summary>
    public static JsonObject Read()
    {
        using var stream = typeof(StoredApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The API document {ResourceName} is not embedded in the binary.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>The stored document with the server this request reached.</summary>
    public static byte[] For(HttpRequest request)
    {
        var document = Read();
        var server = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase);
        document.Insert(Math.Min(2, document.Count), "servers", new JsonArray(new JsonObject { ["url"] = server }));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
