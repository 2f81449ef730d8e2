using System.Diagnostics;
using System.Text.Json;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.FirstHour;

/// <summary>
/// The local command lines as an engineer runs them (<c>report compliance</c>, <c>job …</c>): the result alone on standard
/// output, so it can be saved and verified or piped to jq; the logs on standard error; no stack trace when storage is down.
/// </summary>
[Collection(AppProcesses.Name)]
public sealed class CommandLineTests
{
    [Fact]
    public async Task The_signed_report_is_alone_on_standard_output_and_the_logs_go_to_standard_error()
    {
        var (exit, output, errors) = await RunAsync(SharedDynamoDb.Endpoint, ["report", "compliance", "--format", "json"]);

        Assert.True(exit is 0 or 1, errors);
        using var report = JsonDocument.Parse(output); // the whole of standard output is the one document
        Assert.Equal("ECDSA-P256-SHA256", report.RootElement.GetProperty("signature").GetProperty("algorithm").GetString());
        Assert.EndsWith("}}", output.TrimEnd('\n'), StringComparison.Ordinal); // byte for byte as signed: the signature is the last member
        Assert.Contains("\"level\":", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_prints_only_its_report()
    {
        var (exit, output, errors) = await RunAsync(SharedDynamoDb.Endpoint, ["job", "review-privileged-access"]);

        Assert.True(exit == 0, errors);
        using var report = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Array, report.RootElement.GetProperty("accounts").ValueKind);
    }

    [Theory]
    [InlineData("report", "compliance", "--format", "json")]
    [InlineData("job", "purge-records")]
    public async Task Storage_that_cannot_be_reached_is_one_line_and_exit_code_3(params string[] arguments)
    {
        var (exit, output, errors) = await RunAsync("http://127.0.0.1:1", arguments);

        Assert.Equal(3, exit);
        Assert.Empty(output);
        Assert.StartsWith("Storage could not be reached (dynamodb: ", errors.TrimEnd('\n').Split('\n')[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", errors, StringComparison.Ordinal); // the runtime's crash dump
    }

    [Fact]
    public async Task The_printable_page_is_in_japanese_under_a_japanese_locale()
    {
        var (exit, output, errors) = await RunAsync(SharedDynamoDb.Endpoint, ["report", "compliance", "--format", "html"], locale: "ja_JP.UTF-8");

        Assert.True(exit is 0 or 1, errors);
        Assert.StartsWith("<!DOCTYPE html>", output, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"ja\"", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string endpoint, string[] arguments, string locale = "C.UTF-8")
    {
        var dataDir = Directory.CreateTempSubdirectory("omakase-cli-").FullName;
        var prefix = $"c{Guid.NewGuid():N}"[..13];
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "OmakaseRobo.Api.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDir,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["LC_ALL"] = locale;
        start.Environment["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint;
        start.Environment["Omakase__Tables__Main"] = $"{prefix}-main";
        start.Environment["Omakase__Tables__Audit"] = $"{prefix}-audit";
        start.Environment["Omakase__Local__DataDir"] = dataDir;
        start.Environment["Omakase__Local__TimeToLive"] = "false";
        start.Environment["Omakase__Security__BcryptCost"] = "10";
        start.Environment["Omakase__Dependencies__DynamoDbLocal__AttemptTimeout"] = "00:00:30";
        start.Environment["Omakase__Dependencies__RequestBudget"] = "00:01:00";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await output, await errors);
    }
}
