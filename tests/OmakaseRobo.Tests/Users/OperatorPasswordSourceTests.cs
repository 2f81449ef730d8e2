using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using OmakaseRobo.Api.Features.Users;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Users;

public sealed class OperatorPasswordSourceTests
{
    [Fact]
    public async Task In_aws_the_first_password_is_read_decrypted_from_the_named_secure_string()
    {
        var ssmService = new RecordingAwsService((_, _) => new Dictionary<string, object>
        {
            ["Parameter"] = new Dictionary<string, object> { ["Name"] = "/omakase/prod/bootstrap/operator-password", ["Type"] = "SecureString", ["Value"] = "First-Password-2026" },
        });
        using var ssm = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials("a", "b"), new AmazonSimpleSystemsManagementConfig
        {
            RegionEndpoint = Amazon.RegionEndpoint.APNortheast1,
            HttpClientFactory = ssmService.Factory,
        });
        var options = new OmakaseOptions { Bootstrap = { OperatorPasswordParameter = "/omakase/prod/bootstrap/operator-password" } };

        var password = await new OperatorPasswordSource(options, ssm).GetAsync(CancellationToken.None);

        Assert.Equal("First-Password-2026", password);
        Assert.Equal(["AmazonSSM.GetParameter"], ssmService.Targets);
        Assert.Equal("/omakase/prod/bootstrap/operator-password", ssmService.Bodies[0].GetProperty("Name").GetString());
        Assert.True(ssmService.Bodies[0].GetProperty("WithDecryption").GetBoolean());
        Assert.Equal("ssm.ap-northeast-1.amazonaws.com", ssmService.Hosts.Single());
    }

    [Fact]
    public async Task Locally_the_configured_password_is_used_and_nothing_is_asked_of_aws()
    {
        var options = new OmakaseOptions { Bootstrap = { OperatorPassword = "Local-Password-2026", OperatorPasswordParameter = "/ignored" } };

        Assert.Equal("Local-Password-2026", await new OperatorPasswordSource(options).GetAsync(CancellationToken.None));
    }
}
