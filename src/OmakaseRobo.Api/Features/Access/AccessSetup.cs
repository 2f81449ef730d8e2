namespace OmakaseRobo.Api.Features.Access;

internal static class AccessSetup
{
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddSingleton<AccessReviewService>();
        return services;
    }

    /// <summary>Routing, then the one access check: every endpoint's declared rule is enforced before its handler runs.</summary>
    public static WebApplication UseAccessControl(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<AccessMiddleware>();
        return app;
    }
}
