using System.Net;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Platform;

public sealed class HostingTests
{
    [Fact]
    public void In_aws_the_app_refuses_to_start_outside_tokyo()
    {
        using var app = new OmakaseApp();
        app.Settings["AWS_LAMBDA_FUNCTION_NAME"] = "omakase-prod-auth";
        app.Settings["AWS_REGION"] = "us-east-1";

        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("ap-northeast-1", failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "ap-northeast-1", true)]
    [InlineData("omakase-prod-auth", "ap-northeast-1", true)]
    [InlineData("omakase-prod-auth", "ap-northeast-3", false)]
    [InlineData("omakase-prod-auth", null, false)]
    public void Data_residency_holds_only_tokyo_in_aws(string? function, string? region, bool starts)
    {
        var runtime = new Runtime(function is not null, region, function);

        var refused = Record.Exception(runtime.EnsureDataResidency);

        Assert.Equal(starts, refused is null);
    }

    [Fact]
    public async Task A_function_serves_only_its_own_routes()
    {
        using var incidents = new OmakaseApp();
        incidents.Settings["Omakase:Function"] = "auth";
        var api = incidents.Api();

        var login = await api.PostAsync("/v1/auth/login", new { tenantId = "platform", email = "x@y.example", password = "nope" });
        var tenants = await api.GetAsync("/v1/tenants/platform");
        var health = await api.GetAsync("/healthz");
        var document = await api.GetAsync("/openapi/v1.json"); // API Gateway sends it to the admin function

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tenants.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, document.StatusCode);
    }

    [Fact]
    public void An_unknown_function_name_is_refused_at_start()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Function"] = "everything";

        Assert.ThrowsAny<Exception>(() => app.CreateClient());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        using var app = new OmakaseApp();

        var document = await ApiClient.ReadAsync(await app.Api().GetAsync("/openapi/v1.json"), HttpStatusCode.OK);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/auth/login", paths);
        Assert.Contains("/v1/tenants/{tenantId}/users", paths);
    }
}
