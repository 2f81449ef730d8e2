using System.Net;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

/// <summary>
/// Free text: a notice or a description has paragraphs, so line breaks and tabs are taken there; no field takes other
/// control characters or the bidirectional overrides that make text read as something it does not say.
/// </summary>
public sealed class TextFieldTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task A_description_a_notice_and_a_note_keep_their_line_breaks()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var api = app.Api();
        const string Description = "不審なサインインを検知しました。\n\n対象: 管理画面\r\n\t調査中です。";

        var created = await ApiClient.ReadAsync(
            await api.PostAsync("/v1/incidents", new { title = "Suspicious sign-ins", description = Description, affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created);
        var incident = created.GetProperty("incidentId").GetString();
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/notices", new { kind = "initial", message = "第1報\n\n詳細は追ってお知らせします。" }, op.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await api.PostAsync($"/v1/incidents/{incident}/transitions", new { to = "initial-response", note = "1. 遮断\n2. 調査" }, op.Token), HttpStatusCode.OK);

        var read = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}", op.Token), HttpStatusCode.OK);
        Assert.Equal(Description, read.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("title", "Invoice \u202Efdp.exe")] // right-to-left override
    [InlineData("title", "Two\nlines")] // a title is one line
    [InlineData("description", "null \u0000 byte")]
    [InlineData("description", "isolate \u2067 text")]
    [InlineData("description", "line\u2028separator")]
    public async Task Hidden_controls_are_refused_with_a_field_error_and_nothing_is_stored(string field, string value)
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var body = new Dictionary<string, object>
        {
            ["title"] = "T", ["description"] = "D", ["affectedTenantIds"] = new[] { tenant },
        };
        body[field] = value;

        var problem = await Problem.ReadAsync(await app.Api().PostAsync("/v1/incidents", body, op.Token), HttpStatusCode.BadRequest);

        Assert.Equal("This field has an invalid format.", problem.Body.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task A_transition_note_with_a_control_character_is_refused()
    {
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        var api = app.Api();
        var incident = (await ApiClient.ReadAsync(
            await api.PostAsync("/v1/incidents", new { title = "T", description = "D", affectedTenantIds = new[] { tenant } }, op.Token), HttpStatusCode.Created))
            .GetProperty("incidentId").GetString();

        var problem = await Problem.ReadAsync(
            await api.PostAsync($"/v1/incidents/{incident}/transitions", new { to = "initial-response", note = "ok\u001b[2Jcleared" }, op.Token), HttpStatusCode.BadRequest);

        Assert.True(problem.Body.GetProperty("errors").TryGetProperty("note", out _));
        var read = await ApiClient.ReadAsync(await api.GetAsync($"/v1/incidents/{incident}", op.Token), HttpStatusCode.OK);
        Assert.Equal("detection", read.GetProperty("status").GetString());
    }
}
