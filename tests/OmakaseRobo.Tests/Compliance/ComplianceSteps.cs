using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Compliance;

/// <summary>The steps of the compliance stories: platform auditors and security officers, the report, a check in it, a job run.</summary>
public static class ComplianceSteps
{
    public static Task<SignedIn> AuditorAsync(this OmakaseApp app) => app.NewUserAsync("platform", ["auditor"], enrollMfa: true);

    public static Task<SignedIn> SecurityOfficerAsync(this OmakaseApp app) => app.NewUserAsync("platform", ["security-officer"], enrollMfa: true);

    /// <summary>GET /v1/compliance/report as JSON: the raw bytes exactly as served, and the parsed document.</summary>
    public static async Task<(byte[] Raw, JsonElement Report)> ReportAsync(this OmakaseApp app, string token)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/compliance/report");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await app.CreateClient().SendAsync(request);
        var raw = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {Encoding.UTF8.GetString(raw)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (raw, JsonDocument.Parse(raw).RootElement.Clone());
    }

    public static JsonElement Item(this JsonElement report, string number) =>
        report.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("number").GetString() == number);

    public static JsonElement Check(this JsonElement report, string number, string name) =>
        report.Item(number).GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static string Result(this JsonElement check) => check.GetProperty("result").GetString()!;

    public static string Evidence(this JsonElement check, string key) => check.GetProperty("evidence").GetProperty(key).GetString()!;

    /// <summary>Posts the repository's sample event of a job to /events, with a fresh event id, as EventBridge would.</summary>
    public static async Task<JsonElement> RunJobAsync(this OmakaseApp app, string job, HttpStatusCode expected = HttpStatusCode.OK)
    {
        ArgumentNullException.ThrowIfNull(app);
        var json = RepositoryFiles.Read($"events/{job}.json").Replace("\"id\": \"", $"\"id\": \"{Guid.NewGuid():N}-", StringComparison.Ordinal);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await ApiClient.ReadAsync(await app.CreateClient().PostAsync(new Uri("/events", UriKind.Relative), content), expected);
    }

    /// <summary>The documented way to get the signed bytes back from a saved report: cut at the last ,"signature": and close the object.</summary>
    public static byte[] CanonicalOf(byte[] saved)
    {
        var at = saved.AsSpan().LastIndexOf(",\"signature\":"u8);
        Assert.True(at > 0, "the report carries no signature");
        return [.. saved.AsSpan(0, at), (byte)'}'];
    }
}
