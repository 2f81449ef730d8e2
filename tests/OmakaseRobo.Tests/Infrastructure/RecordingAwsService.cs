using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// Stands where an AWS JSON-protocol service (KMS, SSM) would: records what the real SDK client sent (target,
/// host, body) and answers with the response body the service documents for that operation.
/// </summary>
public sealed class RecordingAwsService(Func<string, JsonElement, object> answer) : HttpMessageHandler
{
    public List<string> Targets { get; } = [];

    public List<JsonElement> Bodies { get; } = [];

    public List<string> Hosts { get; } = [];

    public HttpClientFactory Factory => new FixedFactory(this);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.GetValues("X-Amz-Target").Single();
        var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        Targets.Add(target);
        Hosts.Add(request.RequestUri!.Host);
        Bodies.Add(body);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(JsonSerializer.Serialize(answer(target, body)), Encoding.UTF8, "application/x-amz-json-1.1"),
        };
    }

    private sealed class FixedFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
    }
}
