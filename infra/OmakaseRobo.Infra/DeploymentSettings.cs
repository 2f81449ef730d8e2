namespace OmakaseRobo.Infra;

/// <summary>What one `cdk synth`/`cdk deploy` was asked for, read from CDK context and checked before any construct exists.</summary>
public sealed record DeploymentSettings(
    DeploymentStage Stage,
    string? Account,
    string AssetPath,
    string? OperatorEmail,
    string OperatorPasswordParameter,
    string? AlarmEmail,
    CustomDomain? Domain)
{
    /// <summary>Guideline 3-2: everything, backups included, lives in Tokyo.</summary>
    public const string Region = "ap-northeast-1";

    public const string DefaultAssetPath = "artifacts/publish/api";

    /// <summary>The native binary `dotnet publish -p:PublishAot=true` writes; the web adapter's /opt/bootstrap execs it.</summary>
    public const string ApiExecutableName = "OmakaseRobo.Api";

    /// <summary>
    /// The Lambda code asset's ceiling (issue 17): the stripped Native AOT binary and its appsettings are about 33 MB; a
    /// code asset that grows past this ships something that does not run (symbols, a second build) or a dependency
    /// that costs every cold start. Raise it knowingly, with the size in docs/performance.md.
    /// </summary>
    public const long MaxAssetBytes = 40L * 1024 * 1024;

    // Environment variables a person sets to pick a region; CDK_DEFAULT_REGION is left out because the CLI fills it with us-east-1 when it has no credentials.
    private static readonly string[] RegionEnvironmentVariables = ["CDK_DEPLOY_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"];

    /// <summary>Prefix of every physical name (stack, tables, functions, rules, vault).</summary>
    public string NamePrefix => $"omakase-{Stage.Name}";

    public string StackName => NamePrefix;

    /// <summary>Every log group of the stage lives under this path, so the key policy can name them all.</summary>
    public string LogGroupPrefix => $"/omakase/{Stage.Name}/";

    /// <param name="context">CDK context (`-c key=value` or cdk.json) by key.</param>
    /// <param name="environment">Process environment variables by name.</param>
    public static DeploymentSettings FromContext(Func<string, string?> context, Func<string, string?> environment)
    {
        RefuseOtherRegion("context 'region'", context("region"));
        foreach (var variable in RegionEnvironmentVariables)
        {
            RefuseOtherRegion($"environment variable {variable}", environment(variable));
        }

        var stage = DeploymentStage.Parse(NonEmpty(context("stage")) ?? "dev");
        var operatorEmail = NonEmpty(context("operatorEmail"));
        if (operatorEmail is null && stage.IsProductionLike)
        {
            throw new InvalidOperationException(
                $"Stage '{stage.Name}' needs the bootstrap operator's address: add -c operatorEmail=someone@example.com.");
        }

        return new DeploymentSettings(
            stage,
            NonEmpty(context("account")) ?? NonEmpty(environment("CDK_DEFAULT_ACCOUNT")),
            ResolveAssetPath(NonEmpty(context("assetPath")) ?? DefaultAssetPath),
            operatorEmail,
            NonEmpty(context("operatorPasswordParameter")) ?? $"/omakase/{stage.Name}/bootstrap/operator-password",
            NonEmpty(context("alarmEmail")),
            CustomDomain.FromContext(NonEmpty(context("domainName")), NonEmpty(context("certificateArn"))));
    }

    private static void RefuseOtherRegion(string source, string? requested)
    {
        if (NonEmpty(requested) is { } region && !string.Equals(region, Region, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"This app deploys only to {Region} (guideline 3-2, data location), but {source} asks for '{region}'.");
        }
    }

    private static string ResolveAssetPath(string assetPath)
    {
        var fullPath = Path.GetFullPath(assetPath);
        if (!File.Exists(Path.Combine(fullPath, ApiExecutableName)))
        {
            throw new InvalidOperationException(
                $"No published API at '{fullPath}' (expected the file {ApiExecutableName}). Publish it first: " +
                "dotnet publish src/OmakaseRobo.Api -c Release -r linux-x64 -p:PublishAot=true -o artifacts/publish/api, " +
                "or point -c assetPath=<folder> at a published copy.");
        }

        var files = Directory.EnumerateFiles(fullPath, "*", SearchOption.AllDirectories).Select(file => new FileInfo(file)).ToList();
        if (files.FirstOrDefault(file => file.Extension == ".dbg") is { } symbols)
        {
            throw new InvalidOperationException(
                $"The published API at '{fullPath}' holds debug symbols ({symbols.Name}, {symbols.Length / 1048576.0:0.0} MB) that Lambda would ship and never run: " +
                "publish with the API project's settings (StripSymbols, no symbol copy) or delete the file.");
        }

        var total = files.Sum(file => file.Length);
        if (total > MaxAssetBytes)
        {
            var largest = string.Join(", ", files.OrderByDescending(file => file.Length).Take(3).Select(file => $"{file.Name} {file.Length / 1048576.0:0.0} MB"));
            throw new InvalidOperationException(
                $"The Lambda code asset at '{fullPath}' is {total / 1048576.0:0.0} MB, over the {MaxAssetBytes / 1048576} MB limit " +
                $"(DeploymentSettings.MaxAssetBytes; largest: {largest}). Ship only what runs, or raise the limit and say why in docs/performance.md.");
        }

        return fullPath;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Guideline 12.1.2: dev, staging and prod come from one app and differ only in these values.</summary>
public sealed record DeploymentStage(
    string Name,
    bool IsProductionLike,
    double ApiRequestsPerSecond,
    int ApiBurst,
    int WafRequestsPerIpPerFiveMinutes)
{
    public static readonly DeploymentStage Dev = new("dev", IsProductionLike: false, 20, 40, 500);
    public static readonly DeploymentStage Staging = new("staging", IsProductionLike: true, 50, 100, 1000);
    public static readonly DeploymentStage Prod = new("prod", IsProductionLike: true, 200, 400, 1000);

    public static IReadOnlyList<DeploymentStage> All { get; } = [Dev, Staging, Prod];

    public static DeploymentStage Parse(string name) =>
        All.FirstOrDefault(stage => string.Equals(stage.Name, name, StringComparison.Ordinal))
        ?? throw new InvalidOperationException(
            $"Unknown stage '{name}': use -c stage=dev, -c stage=staging or -c stage=prod.");
}

/// <summary>An optional custom domain whose ACM certificate lives in the same region as the regional API.</summary>
public sealed record CustomDomain(string DomainName, string CertificateArn)
{
    public static CustomDomain? FromContext(string? domainName, string? certificateArn)
    {
        if (domainName is null && certificateArn is null)
        {
            return null;
        }

        if (domainName is null || certificateArn is null)
        {
            throw new InvalidOperationException("A custom domain needs both -c domainName=... and -c certificateArn=....");
        }

        // A regional custom domain can only use a certificate from its own region.
        if (!certificateArn.StartsWith($"arn:aws:acm:{DeploymentSettings.Region}:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"certificateArn must be an ACM certificate in {DeploymentSettings.Region}, got '{certificateArn}'.");
        }

        return new CustomDomain(domainName, certificateArn);
    }
}
