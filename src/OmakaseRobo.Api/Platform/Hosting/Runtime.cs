namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>Where this process runs: in AWS Lambda, or locally on a workstation or CI.</summary>
internal sealed record Runtime(bool InAws, string? Region, string? FunctionName)
{
    public const string RequiredRegion = "ap-northeast-1";

    public static Runtime From(IConfiguration configuration)
    {
        var functionName = configuration["AWS_LAMBDA_FUNCTION_NAME"];
        return new Runtime(!string.IsNullOrEmpty(functionName), configuration["AWS_REGION"], functionName);
    }

    /// <summary>Guideline 3-2: in AWS the service only ever runs, and stores data, in Tokyo.</summary>
    public void EnsureDataResidency()
    {
        if (InAws && Region != RequiredRegion)
        {
            throw new InvalidOperationException(
                $"Data residency: this service runs only in {RequiredRegion}; AWS_REGION is '{Region}'. Refusing to start.");
        }
    }
}
