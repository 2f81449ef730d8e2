using System.Diagnostics;
using System.Text.RegularExpressions;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.FirstHour;

/// <summary>
/// The README's walk-through (the block fenced as ```bash walkthrough) runs as written: piped whole into bash
/// against the app started as a new engineer starts it, on fresh tables; each step answers the status it shows.
/// Missing tools fail the test: it never skips.
/// </summary>
[Collection(AppProcesses.Name)]
public sealed partial class ReadmeWalkthroughTests
{
    /// <summary>The status of every call of the walk-through, in order.</summary>
    private static readonly string[] ExpectedSteps =
    [
        "200 POST /v1/auth/login",
        "204 POST /v1/me/password",
        "200 POST /v1/me/mfa/totp",
        "200 POST /v1/me/mfa/totp/confirm",
        "201 POST /v1/tenants",
        "201 POST /v1/tenants/{tenant}/users",
        "200 POST /v1/auth/login",
        "204 POST /v1/me/password",
        "200 GET /v1/me",
        "403 GET /v1/tenants/{tenant}/users",
        "200 POST /v1/me/mfa/totp",
        "200 POST /v1/me/mfa/totp/confirm",
        "200 GET /v1/tenants/{tenant}/users",
        "200 POST /v1/auth/login",
        "200 POST /v1/auth/mfa/verify",
        "200 GET /v1/tenants/{tenant}/users",
        "200 GET /v1/tenants/{tenant}/audit-events?limit=3",
        "200 POST /v1/tenants/{tenant}/users/{hanako}/mfa-reset",
        "401 GET /v1/me",
        "200 POST /v1/auth/login",
        "200 POST /v1/me/mfa/totp",
        "200 POST /v1/me/mfa/totp/confirm",
        "200 GET /v1/me",
        "204 POST /v1/auth/logout",
        "401 GET /v1/me",
    ];

    [Fact]
    public async Task The_readme_walkthrough_runs_when_pasted_whole_into_bash()
    {
        var block = WalkthroughBlock(RepositoryFiles.Read("README.md"));
        foreach (var tool in new[] { "bash", "curl", "jq", "python3" })
        {
            Assert.True(OnPath(tool), $"the walk-through needs {tool} (README: apt-get install curl jq python3)");
        }

        using var app = await AppProcess.StartAsync();
        var (exitCode, output) = await RunBashAsync(block, app.Url, app.OperatorPassword());

        var steps = StepLine().Matches(output).Select(m => m.Value).ToList();
        var tenant = Regex.Match(output, @"/v1/tenants/(t_[A-Za-z0-9_-]+)/users").Groups[1].Value;
        Assert.True(exitCode == 0, $"bash exited {exitCode}:\n{output}");
        var hanako = Regex.Match(output, @"/users/(u_[A-Za-z0-9_-]+)/mfa-reset").Groups[1].Value;
        Assert.Equal(ExpectedSteps, steps.Select(s => s.Replace(tenant, "{tenant}", StringComparison.Ordinal).Replace(hanako, "{hanako}", StringComparison.Ordinal)));
        Assert.Contains("\"recoveryCodesRemaining\":10", output, StringComparison.Ordinal);
        Assert.Contains("\"mfaEnrollmentRequired\":true", output, StringComparison.Ordinal);
        Assert.Contains("urn:omakase-robo:problem:mfa-enrollment-required", output, StringComparison.Ordinal);
        Assert.Contains("\"recoveryCodes\":", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_walkthrough_block_is_marked_and_hard_codes_no_password_it_should_capture()
    {
        var block = WalkthroughBlock(RepositoryFiles.Read("README.md"));

        Assert.DoesNotContain("C3o3kzbt5CPczJct3LDC", block, StringComparison.Ordinal);
        Assert.Contains("temporaryPassword", block, StringComparison.Ordinal);
        Assert.Contains("OPERATOR_PASSWORD", block, StringComparison.Ordinal);
    }

    /// <summary>The lines between "```bash walkthrough" and the closing fence.</summary>
    public static string WalkthroughBlock(string readme)
    {
        var lines = readme.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "```bash walkthrough");
        Assert.True(start >= 0, "README.md has no block fenced as ```bash walkthrough");
        var end = Array.FindIndex(lines, start + 1, l => l.TrimEnd() == "```");
        Assert.True(end > start + 1, "the walk-through block is empty or not closed");
        return string.Join('\n', lines[(start + 1)..end]) + "\n";
    }

    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, string baseUrl, string operatorPassword)
    {
        // Piped on standard input: bash reads and runs it line by line, as it does a paste.
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["B"] = baseUrl;
        start.Environment["OPERATOR_PASSWORD"] = operatorPassword;
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.StandardInput.WriteAsync(script);
        bash.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await bash.WaitForExitAsync(timeout.Token);
        return (bash.ExitCode, await stdout + await stderr);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    [GeneratedRegex(@"^[1-5][0-9]{2} (GET|POST|PUT|DELETE) \S+", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}
