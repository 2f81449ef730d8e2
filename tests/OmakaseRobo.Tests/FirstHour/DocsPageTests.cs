using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.FirstHour;

/// <summary>
/// /scalar/v1 works offline in a real browser under a policy made for that page alone, while every other answer
/// keeps <c>default-src 'none'</c>.
/// </summary>
[Collection(AppProcesses.Name)]
public sealed partial class DocsPageTests
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    [Fact]
    public async Task The_docs_page_allows_its_own_scripts_and_its_nonced_inline_script_only()
    {
        using var app = new OmakaseApp();
        var client = app.CreateClient();

        var page = await client.GetAsync("/scalar/v1");
        var html = await page.Content.ReadAsStringAsync();
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var nonce = Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value;
        Assert.True(nonce.Length >= 16, policy);
        Assert.Contains("script-src 'self' 'nonce-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal); // nothing from elsewhere: it works offline
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag, StringComparison.Ordinal));
        var again = await client.GetAsync("/scalar/v1");
        Assert.NotEqual(policy, again.Headers.GetValues("Content-Security-Policy").Single()); // a fresh nonce each time
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar/scalar.js")]
    [InlineData("/v1/me")]
    [InlineData("/no-such-route")]
    public async Task Every_other_answer_keeps_default_src_none(string path)
    {
        using var app = new OmakaseApp();

        var answer = await app.CreateClient().GetAsync(path);

        Assert.Equal(ApiPolicy, answer.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task In_headless_chromium_the_docs_page_shows_the_operations()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        Assert.True(chromium is not null, "Debian's chromium is needed (apt-get install chromium; .ci/run installs it)");
        using var app = await AppProcess.StartAsync();
        var profile = Directory.CreateTempSubdirectory("omakase-chromium-").FullName;
        try
        {
            var dom = await ChromiumAsync(chromium!, profile, "--dump-dom", $"{app.Url}/scalar/v1");
            await ChromiumAsync(chromium!, profile, $"--screenshot={Path.Combine(Path.GetTempPath(), "omakase-docs-page.png")}", $"{app.Url}/scalar/v1");

            Assert.Contains("Sign in", dom, StringComparison.Ordinal);
            Assert.Contains("Create a tenant", dom, StringComparison.Ordinal);
            Assert.Contains("Verify the audit chain", dom, StringComparison.Ordinal);
            Assert.Contains("Omakase Robo security API", dom, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static async Task<string> ChromiumAsync(string chromium, string profile, string action, string url)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--window-size=1280,900", "--virtual-time-budget=20000", $"--user-data-dir={profile}", action, url,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var browser = Process.Start(start)!;
        var stdout = browser.StandardOutput.ReadToEndAsync();
        var stderr = browser.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await browser.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(browser.ExitCode == 0, $"chromium exited {browser.ExitCode}: {await stderr}");
        return output;
    }

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
