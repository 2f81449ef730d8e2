using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using OmakaseRobo.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OmakaseRobo.Tests.Compliance;

/// <summary>
/// The page in a real browser: Debian's chromium, headless, loads the report from a loopback server that relays the app's
/// answer as it is (body, content type and the app's own CSP). The screenshot is kept in artifacts/ for CI.
/// </summary>
public sealed class ComplianceBrowserTests(ITestOutputHelper output) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly OmakaseApp app = new();

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task The_page_renders_in_chromium_under_its_own_csp_with_the_overview_visible_and_styled()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (apt-get install chromium; .ci/run does)");
        var officer = await app.SecurityOfficerAsync();
        await ApiClient.ReadAsync(await app.Api().PostAsync("/v1/compliance/attestations", new
        {
            item = "18.2.1", summary = "Internal audit 2026 by the audit office", reference = "IA-2026-11", performedAt = app.Clock.GetUtcNow(),
        }, officer.Token), HttpStatusCode.Created);
        await app.CreateUserAsync(await app.CreateTenantAsync(requireMfaForAdmins: true), "admin"); // a failing item, so the picture has red
        var english = await PageAsync(officer.Token, "en");
        var japanese = await PageAsync(officer.Token, "ja");
        var csp = english.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("style-src 'sha256-", csp, StringComparison.Ordinal);

        using var server = new PageServer(english.Body, csp);
        using var japaneseServer = new PageServer(japanese.Body, csp);
        using var brokenCsp = new PageServer(english.Body, "default-src 'none'; style-src 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='");
        var screenshot = Path.Combine(ArtifactsFolder(), "compliance-report.png");
        File.Delete(screenshot);

        var dom = await ChromiumAsync(server.Url, "--dump-dom");
        var japaneseDom = await ChromiumAsync(japaneseServer.Url, "--dump-dom");
        var shot = await ChromiumAsync(server.Url, $"--screenshot={screenshot}", "--window-size=1000,1400");
        var blockedShot = Path.Combine(ArtifactsFolder(), "compliance-report-style-blocked.png");
        var blocked = await ChromiumAsync(brokenCsp.Url, $"--screenshot={blockedShot}", "--window-size=1000,1400");

        foreach (var number in new[] { "3-2", "9.2.3", "12.3.1", "18.2.1", "CLD.8.1.5" })
        {
            Assert.Contains($"data-item=\"{number}\"", dom.Output, StringComparison.Ordinal);
            Assert.Contains($"<span class=\"num\">{number}</span>", japaneseDom.Output, StringComparison.Ordinal);
        }

        Assert.Contains("<svg id=\"overview\"", dom.Output, StringComparison.Ordinal);
        Assert.Contains("コンプライアンス証跡レポート", japaneseDom.Output, StringComparison.Ordinal);
        Assert.Empty(CspViolations(dom.Errors + japaneseDom.Errors + shot.Errors));
        Assert.NotEmpty(CspViolations(blocked.Errors)); // the probe works: a wrong hash is reported and blocked

        var page = Png.Read(await File.ReadAllBytesAsync(screenshot));
        var unstyled = Png.Read(await File.ReadAllBytesAsync(blockedShot));
        output.WriteLine($"screenshot {screenshot}: {page.Width}x{page.Height}");
        var top = page.Height / 3;
        Assert.True(page.Count("#2f9e5b", 0, top) > 2000, "the overview's green (pass) cells are not visible");
        Assert.True(page.Count("#c0392b", 0, top) > 500, "the overview's red (fail) cells are not visible");
        Assert.True(page.Count("#3b6fd4", 0, top) > 500, "the overview's blue (attested) cell is not visible");
        Assert.True(page.Count("#1f4e79") > 300, "the page's own style (title colour, header rule) was not applied");
        Assert.True(unstyled.Count("#1f4e79") < 10, "the colour probe does not tell a styled page from an unstyled one");
    }

    private async Task<(string Body, HttpResponseHeaders Headers)> PageAsync(string token, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/compliance/report");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), response.Headers);
    }

    private static List<string> CspViolations(string log) =>
        [.. log.Split('\n').Where(line => line.Contains("Content Security Policy", StringComparison.Ordinal) || line.Contains("Refused to", StringComparison.Ordinal))];

    private async Task<(string Output, string Errors)> ChromiumAsync(string url, params string[] options)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile").FullName;
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var option in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile}" }.Concat(options).Append(url))
        {
            start.ArgumentList.Add(option);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var errors = await stderr;
        output.WriteLine($"chromium {string.Join(' ', options)}: exit {process.ExitCode}");
        Assert.True(process.ExitCode == 0, errors);
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium's helpers may still hold a file for a moment; the temporary folder is cleaned by the system
        }

        return (await stdout, errors);
    }

    private static string ArtifactsFolder() => Directory.CreateDirectory(Path.Combine(RepositoryFiles.Root(), "artifacts")).FullName;

    /// <summary>Serves one page on a loopback port with the headers the app gave it.</summary>
    private sealed class PageServer : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task serving;

        public PageServer(string body, string csp)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Add(Url);
            listener.Start();
            var bytes = Encoding.UTF8.GetBytes(body);
            serving = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    context.Response.ContentType = "text/html; charset=utf-8";
                    context.Response.Headers["Content-Security-Policy"] = csp;
                    context.Response.Headers["X-Content-Type-Options"] = "nosniff";
                    if (context.Request.Url?.AbsolutePath == "/")
                    {
                        await context.Response.OutputStream.WriteAsync(bytes);
                    }
                    else
                    {
                        context.Response.StatusCode = 404; // favicon and the like: the page itself asks for nothing
                    }

                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
            serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
