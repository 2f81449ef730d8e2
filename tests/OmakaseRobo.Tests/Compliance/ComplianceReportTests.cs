using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OmakaseRobo.Api.Features.Compliance;
using OmakaseRobo.Tests.Infrastructure;
using OmakaseRobo.Api.Features.Incidents;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Tests.Compliance;

/// <summary>The report as auditors read it: every item, signed, the checks that read the tenants' state, attestations, the page.</summary>
public sealed partial class ComplianceReportTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private static readonly string[] Numbers =
        ["1", "3-2", "5.1.1", "6.1.1", "6.1.3", "9.2.1", "9.2.2", "9.2.3", "9.2.4", "9.4.4", "10.1.1", "12.1.2", "12.3.1", "12.4.4", "12.6.1",
         "14.1.1", "14.2.1", "15.1.1", "15.1.2", "16.1.1", "16.1.7", "18.1.3", "18.1.5", "18.2.1", "CLD.6.3.1", "CLD.8.1.5"];

    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task Every_guideline_item_is_listed_by_number_with_both_titles_and_the_summary_adds_up()
    {
        var auditor = await app.AuditorAsync();

        var (_, report) = await app.ReportAsync(auditor.Token);

        Assert.Equal(Numbers, report.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()));
        Assert.Equal("local", report.GetProperty("stage").GetString());
        Assert.All(report.GetProperty("items").EnumerateArray(), item =>
        {
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("title").GetProperty("ja").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("title").GetProperty("en").GetString()));
            Assert.NotEmpty(item.GetProperty("checks").EnumerateArray());
            Assert.All(item.GetProperty("checks").EnumerateArray(), check =>
            {
                Assert.Contains(check.Result(), CheckResult.Severity);
                Assert.Equal(app.Clock.GetUtcNow(), check.GetProperty("checkedAt").GetDateTimeOffset());
            });
        });
        var summary = report.GetProperty("summary");
        var checks = report.GetProperty("items").EnumerateArray().SelectMany(i => i.GetProperty("checks").EnumerateArray()).ToList();
        Assert.Equal(checks.Count, summary.GetProperty("checks").GetInt32());
        Assert.Equal(checks.Count(c => c.Result() == "fail"), summary.GetProperty("fail").GetInt32());
        Assert.Equal(checks.Count, new[] { "pass", "fail", "attention", "attested", "notApplicable" }.Sum(r => summary.GetProperty(r).GetInt32()));
        Assert.Equal("pass", report.Check("9.2.2", "every-endpoint-declares-access").Result());
        Assert.Equal("pass", report.Check("12.4.4", "clock-and-totp-skew").Result());
        Assert.Equal("±1 step of 30 s", report.Check("12.4.4", "clock-and-totp-skew").Evidence("totpSkewWindow"));
        Assert.Equal("pass", report.Check("10.1.1", "algorithms-in-use").Result());
    }

    [Fact]
    public async Task The_signature_verifies_with_the_published_key_and_one_changed_byte_fails()
    {
        var auditor = await app.AuditorAsync();
        var key = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/audit/signing-key", auditor.Token), HttpStatusCode.OK);
        var (raw, report) = await app.ReportAsync(auditor.Token);

        var signature = report.GetProperty("signature");
        Assert.Equal(key.GetProperty("keyId").GetString(), signature.GetProperty("keyId").GetString());
        Assert.Equal("ECDSA-P256-SHA256", signature.GetProperty("algorithm").GetString());
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key.GetProperty("publicKeyPem").GetString());
        var canonical = ComplianceSteps.CanonicalOf(raw);
        var der = Convert.FromBase64String(signature.GetProperty("value").GetString()!);

        Assert.True(publicKey.VerifyData(canonical, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        var tampered = (byte[])canonical.Clone();
        var digit = Array.IndexOf(tampered, (byte)'1', Encoding.ASCII.GetByteCount("{\"generatedAt\":\"20"));
        tampered[digit] = (byte)'2';
        Assert.False(publicKey.VerifyData(tampered, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public async Task The_openssl_commands_of_the_documentation_verify_a_saved_report_and_reject_a_changed_one()
    {
        var auditor = await app.AuditorAsync();
        var key = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/audit/signing-key", auditor.Token), HttpStatusCode.OK);
        var (raw, _) = await app.ReportAsync(auditor.Token);
        var folder = Directory.CreateTempSubdirectory("compliance-openssl").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "signing-key.pem"), key.GetProperty("publicKeyPem").GetString());
        await File.WriteAllBytesAsync(Path.Combine(folder, "report.json"), raw);
        var script = DocumentedScript().Match(RepositoryFiles.Read("docs/compliance.md")).Groups[1].Value;
        Assert.Contains("openssl dgst -sha256 -verify", script, StringComparison.Ordinal);

        var (ok, output) = await BashAsync(script, folder);
        Assert.True(ok, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);

        var changed = raw.ToArray();
        changed[Array.IndexOf(changed, (byte)':') + 3] ^= 0x01; // one byte of generatedAt
        await File.WriteAllBytesAsync(Path.Combine(folder, "report.json"), changed);
        var (tamperedOk, tamperedOutput) = await BashAsync(script, folder);
        Assert.False(tamperedOk, tamperedOutput);
        Assert.Contains("Verification failure", tamperedOutput, StringComparison.Ordinal);

        // Members appended after the signature: jq reads the last "summary", which the signature does not cover.
        byte[] appended = [.. raw.AsSpan(0, raw.Length - 1), .. ",\"summary\":{\"fail\":0},\"items\":[]}"u8];
        await File.WriteAllBytesAsync(Path.Combine(folder, "report.json"), appended);
        var (appendedOk, appendedOutput) = await BashAsync(script, folder);
        Assert.False(appendedOk, appendedOutput);
        Assert.Contains("Verification failure", appendedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_without_mfa_fails_9_2_3_where_the_tenant_asks_for_mfa_and_needs_attention_where_it_does_not()
    {
        var auditor = await app.AuditorAsync();
        var strict = await app.CreateTenantAsync(requireMfaForAdmins: true);
        var lenient = await app.CreateTenantAsync(requireMfaForAdmins: false);
        var enrolled = await app.NewUserAsync(strict, ["admin"], enrollMfa: true);
        var (withoutMfa, _, _) = await app.CreateUserAsync(strict, "admin");
        await app.NewUserAsync(lenient, ["admin"]);

        var (_, report) = await app.ReportAsync(auditor.Token);

        var strictCheck = report.Check("9.2.3", $"privileged-users:{strict}");
        Assert.Equal("fail", strictCheck.Result());
        Assert.Equal(withoutMfa, strictCheck.Evidence("withoutMfa"));
        Assert.Equal("2", strictCheck.Evidence("privilegedUsers"));
        Assert.DoesNotContain(enrolled.UserId, strictCheck.Evidence("withoutMfa"), StringComparison.Ordinal);
        Assert.Equal("attention", report.Check("9.2.3", $"privileged-users:{lenient}").Result());
        Assert.Equal("fail", report.Item("9.2.3").GetProperty("result").GetString());
        Assert.Equal("pass", report.Check("9.2.3", "privileged-users:platform").Result());
        var temporary = report.Check("9.2.1", "outstanding-temporary-passwords");
        Assert.NotEqual("0", temporary.Evidence("outstanding"));
    }

    [Fact]
    public async Task Users_created_by_operators_are_found_in_the_trail_and_9_2_1_passes()
    {
        var auditor = await app.AuditorAsync();
        var tenant = await app.CreateTenantAsync();
        var (userId, _, _) = await app.CreateUserAsync(tenant);
        await app.FlushAuditAsync();

        var (_, report) = await app.ReportAsync(auditor.Token);

        var check = report.Check("9.2.1", "users-created-by-operators");
        Assert.Equal("pass", check.Result());
        Assert.Equal("none", check.Evidence("createdByOthers"));
        Assert.Equal("none", check.Evidence("usersWithoutCreationRecord"));
        Assert.True(int.Parse(check.Evidence("userCreationsInTrail"), System.Globalization.CultureInfo.InvariantCulture) >= 2);
        _ = userId;
    }

    [Fact]
    public async Task An_attestation_is_attested_within_its_period_and_needs_attention_after_it()
    {
        var officer = await app.SecurityOfficerAsync();
        var now = app.Clock.GetUtcNow();
        var recent = await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/compliance/attestations", new
        {
            item = "5.1.1", summary = "Annual review of the information security policy by the board", reference = "minutes 2026-11", performedAt = now.AddDays(-364),
        }, officer.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/compliance/attestations", new
        {
            item = "15.1.1", summary = "Supplier policy reviewed", reference = "SUP-7", performedAt = now.AddDays(-366),
        }, officer.Token), HttpStatusCode.Created);
        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/compliance/attestations", new
        {
            item = "12.6.1", summary = "Weekly scan of the public endpoints, no findings", performedAt = now.AddDays(-2),
        }, officer.Token), HttpStatusCode.Created);

        var (_, report) = await app.ReportAsync(officer.Token);

        var policy = report.Check("5.1.1", "attestation");
        Assert.Equal("attested", policy.Result());
        Assert.Equal(recent.GetProperty("attestationId").GetString(), policy.Evidence("attestationId"));
        Assert.Equal("minutes 2026-11", policy.Evidence("reference"));
        Assert.Equal("attention", report.Check("15.1.1", "attestation").Result());
        Assert.Equal("attention", report.Check("6.1.3", "attestation").Result());
        Assert.Equal("no attestation recorded", report.Check("6.1.3", "attestation").Evidence("summary"));
        Assert.Equal("attested", report.Check("12.6.1", "weekly-vulnerability-scan").Result());

        var op = await app.OperatorAsync();
        await app.FlushAuditAsync();
        var trail = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/tenants/platform/audit-events?category=operation&limit=200", op.Token), HttpStatusCode.OK);
        var audited = trail.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "compliance.attest").ToList();
        Assert.Contains(audited, e => e.GetProperty("target").GetString() == recent.GetProperty("attestationId").GetString()
            && e.GetProperty("actorId").GetString() == officer.UserId && e.GetProperty("details").GetProperty("item").GetString() == "5.1.1");
    }

    [Fact]
    public async Task A_bad_attestation_gets_field_errors_in_the_callers_language()
    {
        var officer = await app.SecurityOfficerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/compliance/attestations")
        {
            Content = JsonContent(new { item = "9.2.3", summary = "", performedAt = app.Clock.GetUtcNow().AddDays(3) }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officer.Token);
        request.Headers.AcceptLanguage.ParseAdd("ja");

        var problem = await Problem.ReadAsync(await app.CreateClient().SendAsync(request), HttpStatusCode.BadRequest);

        var errors = problem.Body.GetProperty("errors");
        Assert.Equal("この値は使用できません。", errors.GetProperty("item")[0].GetString());
        Assert.Equal("この項目は必須です。", errors.GetProperty("summary")[0].GetString());
        Assert.Equal("この値は範囲外です。", errors.GetProperty("performedAt")[0].GetString());
        var garbled = await Problem.ReadAsync(await app.Api().PostAsync("/v1/compliance/attestations", new { item = "5.1.1", summary = "s", performedAt = "yesterday" }, officer.Token), HttpStatusCode.BadRequest);
        Assert.Equal("This field has an invalid format.", garbled.Body.GetProperty("errors").GetProperty("performedAt")[0].GetString());
        foreach (var notIso in new[] { "12/08/2026", "Dec 8 2026", " 2026-12-01T00:00:00Z " })
        {
            // 12/08/2026 is 12 August to a Japanese reader and 8 December to a US parser: only ISO 8601 is taken.
            var refused = await Problem.ReadAsync(
                await app.Api().PostAsync("/v1/compliance/attestations", new { item = "5.1.1", summary = "s", performedAt = notIso }, officer.Token), HttpStatusCode.BadRequest);
            Assert.True(refused.Body.GetProperty("errors").TryGetProperty("performedAt", out _), notIso);
        }
    }

    [Fact]
    public async Task Auditors_read_security_officers_also_attest_and_operators_and_tenant_admins_get_nothing()
    {
        var auditor = await app.AuditorAsync();
        var officer = await app.SecurityOfficerAsync();
        var op = await app.NewUserAsync("platform", ["operator"], enrollMfa: true); // not the bootstrap operator, who holds every platform role
        var admin = await app.NewUserAsync(await app.CreateTenantAsync(), ["admin"], enrollMfa: true);
        var attestation = new { item = "18.2.1", summary = "Internal audit 2026", reference = "IA-2026", performedAt = app.Clock.GetUtcNow() };
        var api = app.Api();

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/compliance/report", auditor.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync("/v1/compliance/attestations", attestation, auditor.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/v1/compliance/attestations", attestation, officer.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/compliance/reports", officer.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/v1/compliance/reports/cr_nosuchreport0000000", auditor.Token)).StatusCode);
        foreach (var token in new[] { op.Token, admin.Token })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/v1/compliance/report", token)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.PostAsync("/v1/compliance/attestations", attestation, token)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/v1/audit/signing-key", token)).StatusCode);
        }
    }

    [Fact]
    public async Task The_page_is_self_contained_under_a_csp_that_allows_only_its_own_style_while_json_keeps_default_src_none()
    {
        var auditor = await app.AuditorAsync();

        var (japanese, headers) = await PageAsync(auditor.Token, "ja");
        var (english, _) = await PageAsync(auditor.Token, "en-GB,en;q=0.8");

        var csp = headers.GetValues("Content-Security-Policy").Single();
        var style = StyleElement().Match(japanese).Groups[1].Value;
        Assert.Equal(
            $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)))}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            csp);
        Assert.Single(StyleElement().Matches(japanese));
        Assert.DoesNotContain("<script", japanese, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", japanese, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", japanese, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", japanese, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", style, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("@page { size: A4;", style, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"ja\">", japanese, StringComparison.Ordinal);
        Assert.Contains("コンプライアンス証跡レポート", japanese, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", english, StringComparison.Ordinal);
        Assert.Contains("Compliance evidence report", english, StringComparison.Ordinal);
        Assert.True(japanese.IndexOf("<svg id=\"overview\"", StringComparison.Ordinal) < japanese.IndexOf("<table", StringComparison.Ordinal));
        Assert.All(Numbers, number => Assert.Contains($"data-item=\"{number}\"", japanese, StringComparison.Ordinal));

        var json = await app.Api().GetAsync("/v1/compliance/report", auditor.Token);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", json.Headers.GetValues("Content-Security-Policy").Single());
    }

    private async Task<(string Body, HttpResponseHeaders Headers)> PageAsync(string token, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/compliance/report");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync(), response.Headers);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<(bool Ok, string Output)> BashAsync(string script, string folder)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-euo", "pipefail", "-c", script])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode == 0, output + error);
    }

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    /// <summary>The shell block of docs/compliance.md that follows the line "Verify a saved report".</summary>
    [GeneratedRegex("<!-- verify-script -->\\s*```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DocumentedScript();
}
