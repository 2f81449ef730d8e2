using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;

namespace OmakaseRobo.Tests.Infrastructure;

/// <summary>
/// Stands where an AWS JSON-protocol service (KMS, SSM, DynamoDB) would: records what the real SDK client sent
/// (target, host, body) and answers with the response body the service documents for that operation, or with an
/// <see cref="AwsError"/> as the service sends errors.
/// </summary>
public sealed class RecordingAwsService(Func<string, JsonElement, object> answer, string contentType = "application/x-amz-json-1.1") : HttpMessageHandler
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
        var answered = answer(target, body);
        var (status, payload) = answered is AwsError error
            ? (error.Status, (object)new Dictionary<string, string> { ["__type"] = error.Type, ["message"] = error.Message })
            : (HttpStatusCode.OK, answered);
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(payload), Encoding.UTF8, contentType),
        };
    }

    private sealed class FixedFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
    }
}

/// <summary>An error as AWS JSON services answer it: the status and a body naming the exception type.</summary>
public sealed record AwsError(string Type, string Message, HttpStatusCode Status = HttpStatusCode.BadRequest);
