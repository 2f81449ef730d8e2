using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Features.Users;

/// <summary>
/// Where the bootstrap operator's first password comes from: configuration locally; in AWS an SSM SecureString
/// the operator creates before the first deploy (Omakase:Bootstrap:OperatorPasswordParameter), so it is never
/// in the template or the function's environment.
/// </summary>
internal sealed class OperatorPasswordSource(OmakaseOptions options, IAmazonSimpleSystemsManagement? ssm = null)
{
    public async Task<string?> GetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Bootstrap.OperatorPassword))
        {
            return options.Bootstrap.OperatorPassword;
        }

        if (ssm is null || string.IsNullOrEmpty(options.Bootstrap.OperatorPasswordParameter))
        {
            return null;
        }

        var response = await ssm.GetParameterAsync(
            new GetParameterRequest { Name = options.Bootstrap.OperatorPasswordParameter, WithDecryption = true }, cancellationToken).ConfigureAwait(false);
        return response.Parameter?.Value;
    }
}
