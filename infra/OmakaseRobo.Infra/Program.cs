using Amazon.CDK;
using OmakaseRobo.Infra;

var app = new App();
var settings = DeploymentSettings.FromContext(
    key => app.Node.TryGetContext(key)?.ToString(),
    System.Environment.GetEnvironmentVariable);
new OmakaseBackend(app, settings);
app.Synth();
