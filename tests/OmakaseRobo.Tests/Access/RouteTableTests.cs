using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Access;

public sealed class RouteTableTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    [Fact]
    public void Every_endpoint_declares_who_may_call_it()
    {
        _ = fixture.App.CreateClient();
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var undeclared = endpoints.Where(e => e.Metadata.GetMetadata<AccessRule>() is null).Select(e => e.RoutePattern.RawText).ToList();

        Assert.True(endpoints.Count > 15, $"only {endpoints.Count} endpoints found");
        Assert.Empty(undeclared);
    }

    [Fact]
    public void Only_the_readiness_check_the_api_description_sign_in_and_introspection_are_anonymous()
    {
        _ = fixture.App.CreateClient();
        var anonymous = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AccessRule>()?.Anonymous == true)
            .Select(e => e.RoutePattern.RawText!)
            .ToList();

        Assert.All(anonymous, route => Assert.True(
            // /oauth2/introspect authenticates its caller itself: a service client by HTTP Basic, never a bearer token.
            route is "/healthz" or "/events" or "/v1/auth/login" or "/v1/auth/mfa/verify" or "/oauth2/introspect" || route.StartsWith("/openapi", StringComparison.Ordinal) || route.StartsWith("/scalar", StringComparison.Ordinal),
            $"{route} is anonymous"));
    }
}
