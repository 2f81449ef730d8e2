using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Features.Backups;
using OmakaseRobo.Api.Features.Compliance;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Compliance;

/// <summary>Checks over the whole deployment, each story on an app (and tables) of its own: findings, backups, records, the monthly run.</summary>
public sealed class ComplianceStateTests : IDisposable
{
    private readonly OmakaseApp app = new();

    // The purge's first run (and the record walk) look back 400 days by default: far more days than these stories need.
    public ComplianceStateTests() => app.Settings["Omakase:Purge:FirstRunLookBack"] = "60.00:00:00";

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task A_critical_finding_fails_12_6_1_once_it_is_overdue_and_passes_again_when_closed()
    {
        var officer = await app.SecurityOfficerAsync();
        var created = await ApiClient.ReadAsync(
            await app.Api().PostAsync("/v1/vulnerabilities", new { title = "OpenSSL in the base image", severity = "critical" }, officer.Token), HttpStatusCode.Created);
        var id = created.GetProperty("vulnerabilityId").GetString()!;

        var (_, inTime) = await app.ReportAsync(officer.Token);
        Assert.Equal("pass", inTime.Check("12.6.1", "open-and-overdue-findings").Result());
        Assert.Equal("1", inTime.Check("12.6.1", "open-and-overdue-findings").Evidence("open:critical"));

        app.Clock.Advance(TimeSpan.FromHours(25));
        var token = await app.SignInAgainAsync(officer);
        var (_, overdue) = await app.ReportAsync(token);
        var check = overdue.Check("12.6.1", "open-and-overdue-findings");
        Assert.Equal("fail", check.Result());
        Assert.Equal("1", check.Evidence("overdue:critical"));
        Assert.StartsWith(id, check.Evidence("overdueIds"), StringComparison.Ordinal);

        await ApiClient.ReadAsync(await app.Api().PostAsync($"/v1/vulnerabilities/{id}/resolution", new { note = "base image rebuilt" }, token), HttpStatusCode.OK);
        var (_, closed) = await app.ReportAsync(token);
        Assert.Equal("pass", closed.Check("12.6.1", "open-and-overdue-findings").Result());
    }

    [Fact]
    public async Task A_failed_restore_test_fails_12_3_1_and_a_passed_one_passes_until_it_is_older_than_its_period()
    {
        var auditor = await app.AuditorAsync();
        var (_, before) = await app.ReportAsync(auditor.Token);
        Assert.Equal("fail", before.Check("12.3.1", $"last-restore-test:{app.MainTable}").Result());
        Assert.Equal("never tested", before.Check("12.3.1", $"last-restore-test:{app.MainTable}").Evidence("lastOutcome"));

        // Today's backup of the main table is damaged by one byte before the job verifies it.
        var taken = await app.Services.GetRequiredService<LocalBackups>().TakeDailyAsync(CancellationToken.None);
        var file = Path.Combine(app.Services.GetRequiredService<LocalBackupFiles>().Folder, taken.Single(t => t.Table == app.MainTable).DataFile);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);
        await app.RunJobAsync("verify-backups", HttpStatusCode.InternalServerError);

        var (_, failed) = await app.ReportAsync(auditor.Token);
        var main = failed.Check("12.3.1", $"last-restore-test:{app.MainTable}");
        Assert.Equal("fail", main.Result());
        Assert.Equal("failed", main.Evidence("lastOutcome"));
        Assert.Equal("fail", failed.Check("12.3.1", "last-backup-verification").Result());
        Assert.Equal("failure", failed.Check("12.3.1", "last-backup-verification").Evidence("outcome"));
        Assert.Equal("pass", failed.Check("12.3.1", $"last-restore-test:{app.AuditTable}").Result());

        // The next day's backup is sound: the failed test is tried again and passes; the damaged file still fails the verification.
        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.RunJobAsync("verify-backups", HttpStatusCode.InternalServerError);
        var token = await app.SignInAgainAsync(auditor);
        var (_, passed) = await app.ReportAsync(token);
        Assert.Equal("pass", passed.Check("12.3.1", $"last-restore-test:{app.MainTable}").Result());
        Assert.Equal("passed", passed.Check("12.3.1", $"last-restore-test:{app.MainTable}").Evidence("lastOutcome"));
        Assert.Contains("does not decrypt", passed.Check("12.3.1", "last-backup-verification").Evidence($"table:{app.MainTable}"), StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromDays(9));
        token = await app.SignInAgainAsync(auditor);
        var (_, stale) = await app.ReportAsync(token);
        Assert.Equal("fail", stale.Check("12.3.1", $"last-restore-test:{app.MainTable}").Result());
        Assert.Equal("fail", stale.Check("12.3.1", $"last-restore-test:{app.AuditTable}").Result());
    }

    [Fact]
    public async Task A_record_past_30_days_and_the_purge_period_fails_18_1_3_until_the_purge_removes_it()
    {
        var auditor = await app.AuditorAsync();
        var first = app.Today();
        await app.FlushAuditAsync();
        var (_, fresh) = await app.ReportAsync(auditor.Token);
        var freshCheck = fresh.Check("18.1.3", "oldest-unheld-record-per-kind");
        Assert.Equal("pass", freshCheck.Result());
        Assert.Contains($"ae_{first:yyyyMMdd}_", freshCheck.Evidence("auth"), StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromDays(33));
        var token = await app.SignInAgainAsync(auditor);
        var (_, old) = await app.ReportAsync(token);
        var check = old.Check("18.1.3", "oldest-unheld-record-per-kind");
        Assert.Equal("fail", check.Result());
        Assert.EndsWith("past its purge", check.Evidence("auth"), StringComparison.Ordinal);
        Assert.Equal("attention", old.Check("18.1.3", "last-purge-report").Result());

        await app.RunJobAsync("purge-records");
        var (_, purged) = await app.ReportAsync(token);
        Assert.Equal("pass", purged.Check("18.1.3", "oldest-unheld-record-per-kind").Result());
        Assert.DoesNotContain($"ae_{first:yyyyMMdd}_", purged.Check("18.1.3", "oldest-unheld-record-per-kind").Evidence("auth"), StringComparison.Ordinal);
        Assert.Equal("pass", purged.Check("18.1.3", "last-purge-report").Result());
    }

    [Fact]
    public async Task A_customer_tenant_without_an_active_admin_needs_attention_under_item_1()
    {
        var auditor = await app.AuditorAsync();
        var tenant = await app.CreateTenantAsync();

        var (_, alone) = await app.ReportAsync(auditor.Token);
        Assert.Equal("attention", alone.Check("1", "customer-can-do-its-part").Result());
        Assert.Equal(tenant, alone.Check("1", "customer-can-do-its-part").Evidence("tenantsWithoutActiveAdmin"));

        await app.NewUserAsync(tenant, ["admin"]);
        var (_, served) = await app.ReportAsync(auditor.Token);
        Assert.Equal("pass", served.Check("1", "customer-can-do-its-part").Result());
        Assert.Equal("pass", served.Check("14.1.1", "input-and-error-handling").Result());
    }

    [Fact]
    public async Task Stored_reports_past_one_query_page_are_all_listed()
    {
        var auditor = await app.AuditorAsync();
        var signed = await app.Services.GetRequiredService<ComplianceService>().ReportAsync(null, CancellationToken.None);
        var store = app.Services.GetRequiredService<ComplianceStore>();
        var ids = new List<string>();
        for (var month = 0; month < 7; month++)
        {
            // 200 KB each: a query page of the index stops at 1 MB, so the list needs two pages.
            var report = signed.Report with { ReportId = Ids.New("cr"), GeneratedAt = signed.Report.GeneratedAt.AddDays(30 * month) };
            await store.AddReportAsync(new SignedReport(report, signed.Json + new string(' ', 200_000)), CancellationToken.None);
            ids.Insert(0, report.ReportId!);
        }

        var list = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/compliance/reports", auditor.Token), HttpStatusCode.OK);
        Assert.Equal(ids, list.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("reportId").GetString()));
    }

    [Fact]
    public async Task The_monthly_job_stores_signed_reports_that_are_listed_newest_first_and_fetched_exactly_as_signed()
    {
        var auditor = await app.AuditorAsync();
        var key = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/audit/signing-key", auditor.Token), HttpStatusCode.OK);
        var pem = await app.Api().Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/audit/signing-key")
        {
            Headers = { { "Authorization", $"Bearer {auditor.Token}" }, { "Accept", "application/x-pem-file" } },
        });
        Assert.Equal(key.GetProperty("publicKeyPem").GetString(), await pem.Content.ReadAsStringAsync());

        var november = await app.RunJobAsync("compliance-report");
        app.Clock.Advance(TimeSpan.FromDays(1));
        var december = await app.RunJobAsync("compliance-report");
        var token = await app.SignInAgainAsync(auditor);

        var list = await ApiClient.ReadAsync(await app.Api().GetAsync("/v1/compliance/reports", token), HttpStatusCode.OK);
        Assert.Equal(
            [december.GetProperty("reportId").GetString(), november.GetProperty("reportId").GetString()],
            list.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("reportId").GetString()));
        var stored = await app.Api().GetAsync($"/v1/compliance/reports/{november.GetProperty("reportId").GetString()}", token);
        var raw = await stored.Content.ReadAsByteArrayAsync();
        var report = JsonDocument.Parse(raw).RootElement;
        Assert.Equal(november.GetProperty("reportId").GetString(), report.GetProperty("reportId").GetString());
        Assert.Equal(november.GetProperty("generatedAt").GetDateTimeOffset(), report.GetProperty("generatedAt").GetDateTimeOffset());
        using var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(key.GetProperty("publicKeyPem").GetString());
        var der = Convert.FromBase64String(report.GetProperty("signature").GetProperty("value").GetString()!);
        Assert.True(publicKey.VerifyData(ComplianceSteps.CanonicalOf(raw), der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(list.GetProperty("items")[1].GetProperty("summary").GetProperty("checks").GetInt32(), report.GetProperty("summary").GetProperty("checks").GetInt32());

        var op = await app.OperatorAsync();
        await app.FlushAuditAsync();
        var trail = Encoding.UTF8.GetString(await (await app.Api().GetAsync("/v1/tenants/platform/audit-events?category=system&limit=200", op.Token)).Content.ReadAsByteArrayAsync());
        Assert.Contains("\"action\":\"compliance.report\"", trail, StringComparison.Ordinal);
        Assert.Contains("\"action\":\"job.compliance-report\"", trail, StringComparison.Ordinal);
    }
}
