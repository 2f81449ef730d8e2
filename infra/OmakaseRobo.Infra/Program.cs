using Amazon.CDK;
using OmakaseRobo.Infra;

var app = new App();
DeploymentSettings settings;
try
{
    settings = DeploymentSettings.FromContext(
        key => app.Node.TryGetContext(key)?.ToString(),
        System.Environment.GetEnvironmentVariable);
}
catch (InvalidOperationException refused)
{
    // A refusal (no published API, another region, missing context) is one clear line and exit 1, not a stack trace.
    Console.Error.WriteLine($"cdk synth refused: {refused.Message}");
    return 1;
}

new OmakaseBackend(app, settings);
app.Synth();
return 0;
