using System.Diagnostics;
using System.Text.Json;

namespace OmakaseRobo.Infra.Tests;

/// <summary>
/// What `cdk synth` shows when it refuses: the CDK app run as the CLI runs it (context in CDK_CONTEXT_JSON), one line
/// on standard error and exit code 1, never an unhandled exception (exit 134).
/// </summary>
public sealed class SynthRefusalTests : IDisposable
{
    private readonly string outDir = Directory.CreateTempSubdirectory("omakase-refusal-").FullName;
    private readonly string publishedApi = Directory.CreateTempSubdirectory("omakase-refusal-api-").FullName;

    public SynthRefusalTests() => File.WriteAllText(Path.Combine(publishedApi, DeploymentSettings.ApiExecutableName), "stand-in");

    [Fact]
    public async Task Without_a_published_api_synth_says_how_to_publish_and_exits_1()
    {
        var (exitCode, errors) = await SynthAsync(new() { ["assetPath"] = Path.Combine(outDir, "nothing-published") }, region: null);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("cdk synth refused: No published API", line, StringComparison.Ordinal);
        Assert.Contains("dotnet publish", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_region_is_refused_in_one_line_with_exit_1()
    {
        var (exitCode, errors) = await SynthAsync(new() { ["assetPath"] = publishedApi }, region: "us-east-1");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("cdk synth refused: This app deploys only to ap-northeast-1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prod_without_the_operator_email_is_refused_in_one_line_with_exit_1()
    {
        var (exitCode, errors) = await SynthAsync(new() { ["assetPath"] = publishedApi, ["stage"] = "prod" }, region: null);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors);
        Assert.StartsWith("cdk synth refused: Stage 'prod' needs the bootstrap operator's address", line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(outDir, recursive: true);
        Directory.Delete(publishedApi, recursive: true);
    }

    private async Task<(int ExitCode, List<string> Errors)> SynthAsync(Dictionary<string, string> context, string? region)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "OmakaseRobo.Infra.dll");
        Assert.True(File.Exists(app), $"the CDK app was not built next to the tests: {app}");
        var start = new ProcessStartInfo("dotnet", [app])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = outDir,
        };
        start.Environment["CDK_CONTEXT_JSON"] = JsonSerializer.Serialize(context);
        start.Environment["CDK_OUTDIR"] = Path.Combine(outDir, "cdk.out");
        start.Environment["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20";
        foreach (var variable in new[] { "AWS_REGION", "AWS_DEFAULT_REGION", "CDK_DEPLOY_REGION" })
        {
            start.Environment.Remove(variable);
        }

        if (region is not null)
        {
            start.Environment["AWS_REGION"] = region;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await stdout;
        await process.WaitForExitAsync();
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return (process.ExitCode, lines);
    }
}
