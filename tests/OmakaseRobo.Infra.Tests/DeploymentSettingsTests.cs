namespace OmakaseRobo.Infra.Tests;

/// <summary>What the app refuses before it builds anything (no synthesis, so no node process).</summary>
public sealed class DeploymentSettingsTests : IDisposable
{
    private readonly string publishedApi = Directory.CreateTempSubdirectory("omakase-settings-tests-").FullName;

    public DeploymentSettingsTests() =>
        File.WriteAllText(Path.Combine(publishedApi, DeploymentSettings.ApiExecutableName), "stand-in");

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("ap-northeast-3")]
    public void App_refuses_a_region_other_than_Tokyo_asked_for_in_context(string region)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(new() { ["region"] = region }));
        Assert.Contains("ap-northeast-1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS_REGION")]
    [InlineData("AWS_DEFAULT_REGION")]
    [InlineData("CDK_DEPLOY_REGION")]
    public void App_refuses_a_region_other_than_Tokyo_asked_for_in_the_environment(string variable)
    {
        Assert.Throws<InvalidOperationException>(() => Settings([], name => name == variable ? "eu-west-1" : null));
    }

    [Fact]
    public void App_accepts_Tokyo_asked_for_explicitly_and_defaults_to_dev()
    {
        var settings = Settings(new() { ["region"] = "ap-northeast-1" }, name => name == "AWS_REGION" ? "ap-northeast-1" : null);
        Assert.Equal(DeploymentStage.Dev, settings.Stage);
        Assert.Equal("/omakase/dev/bootstrap/operator-password", settings.OperatorPasswordParameter);
    }

    [Fact]
    public void App_refuses_an_unknown_stage()
    {
        Assert.Throws<InvalidOperationException>(() => Settings(new() { ["stage"] = "production" }));
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public void Staging_and_prod_need_the_bootstrap_operators_email(string stage)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(new() { ["stage"] = stage }));
        Assert.Contains("operatorEmail", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_domain_needs_a_certificate_from_Tokyo()
    {
        Assert.Throws<InvalidOperationException>(() => Settings(new()
        {
            ["domainName"] = "api.example.com",
            ["certificateArn"] = "arn:aws:acm:us-east-1:000000000000:certificate/abc",
        }));
        Assert.Throws<InvalidOperationException>(() => Settings(new() { ["domainName"] = "api.example.com" }));
    }

    [Fact]
    public void App_refuses_to_deploy_a_folder_without_the_published_API()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DeploymentSettings.FromContext(
            key => key == "assetPath" ? Path.Combine(publishedApi, "missing") : null,
            SynthesizedStage.NoEnvironment));
        Assert.Contains("dotnet publish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void App_refuses_a_code_asset_over_its_size_limit()
    {
        using (var filler = File.Create(Path.Combine(publishedApi, "filler.bin")))
        {
            filler.SetLength(DeploymentSettings.MaxAssetBytes); // sparse: takes no disk
        }

        var error = Assert.Throws<InvalidOperationException>(() => Settings([]));
        Assert.Contains($"over the {DeploymentSettings.MaxAssetBytes / 1048576} MB limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("filler.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void App_refuses_a_code_asset_that_ships_debug_symbols()
    {
        File.WriteAllText(Path.Combine(publishedApi, DeploymentSettings.ApiExecutableName + ".dbg"), "symbols");
        var error = Assert.Throws<InvalidOperationException>(() => Settings([]));
        Assert.Contains("debug symbols", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void App_accepts_a_code_asset_just_under_its_size_limit()
    {
        using (var filler = File.Create(Path.Combine(publishedApi, "filler.bin")))
        {
            filler.SetLength(DeploymentSettings.MaxAssetBytes - 1024);
        }

        Assert.Equal(DeploymentStage.Dev, Settings([]).Stage);
    }

    public void Dispose() => Directory.Delete(publishedApi, recursive: true);

    private DeploymentSettings Settings(Dictionary<string, string> context, Func<string, string?>? environment = null)
    {
        context["assetPath"] = publishedApi;
        return DeploymentSettings.FromContext(key => context.GetValueOrDefault(key), environment ?? SynthesizedStage.NoEnvironment);
    }
}
