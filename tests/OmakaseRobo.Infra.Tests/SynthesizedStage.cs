using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace OmakaseRobo.Infra.Tests;

/// <summary>
/// Synthesizes one stage once for a whole test class (each synthesis drives the jsii node process), from CDK context
/// exactly as `cdk synth -c ...` would pass it, with a stand-in for the published API.
/// </summary>
public abstract class SynthesizedStage : IDisposable
{
    public const string Account = "000000000000";

    private readonly string workFolder;

    protected SynthesizedStage(IReadOnlyDictionary<string, string> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The jsii node process inherits this when it starts; it only silences a banner about node 20.
        System.Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");

        workFolder = Directory.CreateTempSubdirectory("omakase-infra-tests-").FullName;
        var assetFolder = Directory.CreateDirectory(Path.Combine(workFolder, "publish")).FullName;
        File.WriteAllText(Path.Combine(assetFolder, DeploymentSettings.ApiExecutableName), "stand-in for the native binary");

        var fullContext = new Dictionary<string, string>(context) { ["assetPath"] = assetFolder, ["account"] = Account };
        Settings = DeploymentSettings.FromContext(
            key => fullContext.GetValueOrDefault(key),
            NoEnvironment);

        // The feature flags of cdk.json, so the tests read the very template `cdk synth` writes.
        var app = new App(new AppProps { Outdir = Path.Combine(workFolder, "cdk.out"), Context = FeatureFlagsOfCdkJson() });
        Stack = new OmakaseBackend(app, Settings);
        Template = Template.FromStack(Stack);
        Json = JsonDocument.Parse(File.ReadAllText(Path.Combine(workFolder, "cdk.out", $"{Settings.StackName}.template.json")));
    }

    public DeploymentSettings Settings { get; }

    public OmakaseBackend Stack { get; }

    /// <summary>CDK's assertions over the template.</summary>
    public Template Template { get; }

    /// <summary>The same template as plain JSON, for walks that would take thousands of jsii calls.</summary>
    public JsonDocument Json { get; }

    public IEnumerable<(string LogicalId, JsonElement Resource)> Resources(string type) =>
        Json.RootElement.GetProperty("Resources").EnumerateObject()
            .Where(resource => resource.Value.GetProperty("Type").GetString() == type)
            .Select(resource => (resource.Name, resource.Value));

    public IEnumerable<JsonElement> PropertiesOf(string type) =>
        Resources(type).Select(resource => resource.Resource.GetProperty("Properties"));

    private static Dictionary<string, object> FeatureFlagsOfCdkJson()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "cdk.json")))
        {
            folder = folder.Parent;
        }

        using var cdkJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(
            folder?.FullName ?? throw new InvalidOperationException("No cdk.json above the test binaries."), "cdk.json")));
        return cdkJson.RootElement.GetProperty("context").EnumerateObject()
            .ToDictionary(flag => flag.Name, flag => PlainValue(flag.Value));
    }

    private static object PlainValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Array => value.EnumerateArray().Select(PlainValue).ToArray(),
        _ => value.GetString()!,
    };

    /// <summary>Tests do not see the developer's AWS_REGION and the like.</summary>
    public static string? NoEnvironment(string name) => null;

    public void Dispose()
    {
        Json.Dispose();
        Directory.Delete(workFolder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Production with everything optional switched on: custom domain, alarm e-mail, operator e-mail.</summary>
public sealed class ProdStage() : SynthesizedStage(new Dictionary<string, string>
{
    ["stage"] = "prod",
    ["operatorEmail"] = "operator@techhub.example",
    ["alarmEmail"] = "alarms@techhub.example",
    ["domainName"] = "api.omakase-robo.example",
    ["certificateArn"] = "arn:aws:acm:ap-northeast-1:000000000000:certificate/11111111-2222-3333-4444-555555555555",
});

/// <summary>The plain dev stage, as `cdk synth -c stage=dev` builds it.</summary>
public sealed class DevStage() : SynthesizedStage(new Dictionary<string, string> { ["stage"] = "dev" });
