using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using OmakaseRobo.Api.Platform.Credentials;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Platform.Keys;
using OmakaseRobo.Api.Platform.Logging;
using OmakaseRobo.Api.Platform.OpenApi;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>What every module shares: options, clock, JSON, problems, logging, headers, storage, keys.</summary>
internal static class PlatformSetup
{
    public const string LocalUrl = "http://127.0.0.1:5080";

    public static (OmakaseOptions Options, Runtime Runtime) AddPlatform(this WebApplicationBuilder builder, IJsonTypeInfoResolver jsonContext)
    {
        var runtime = Runtime.From(builder.Configuration);
        runtime.EnsureDataResidency();
        var options = builder.Configuration.GetSection(OmakaseOptions.Section).Get<OmakaseOptions>() ?? new OmakaseOptions();
        Modules.Validate(options);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(LocalUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = BodyLimitMiddleware.MaxBodyBytes;
        });

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.FormatterName = PowertoolsJsonFormatter.FormatterName);
        // Registered directly: AddConsoleFormatter binds options by reflection, which Native AOT cannot keep.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, PowertoolsJsonFormatter>());

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(runtime);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Metrics.MetricsWriter>();
        services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, jsonContext);
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.AllowDuplicateProperties = false; // one key, one meaning: no parser-differential smuggling
            StrictStringLists.AddTo(json.SerializerOptions);
        });
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.Problems.Shape);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        if (PlatformApi.DocumentGeneratorSupported)
        {
            services.AddOpenApi(openApi => openApi.AddApiDescription());
        }

        builder.AddStorage(runtime, options);
        services.AddSingleton<BatchReader>();
        services.AddSingleton<BatchDeleter>();
        services.AddSingleton<PasswordHasher>();
        services.AddKeys(runtime, options);
        return (options, runtime);
    }

    /// <summary>The correlation id comes first, so everything after it (the access record included) logs with it.</summary>
    public static WebApplication UseCorrelation(this WebApplication app)
    {
        app.UseMiddleware<CorrelationMiddleware>();
        return app;
    }

    /// <summary>
    /// Where every endpoint is mapped: once its handler returns, the answer is chosen, and it is written on the client's
    /// token, not the request budget's (<see cref="RequestBudget.Answer"/>).
    /// </summary>
    public static RouteGroupBuilder MapEndpoints(this WebApplication app)
    {
        var endpoints = app.MapGroup(string.Empty);
        endpoints.AddEndpointFilter(static async (context, next) =>
        {
            var result = await next(context).ConfigureAwait(false);
            RequestBudget.Answer(context.HttpContext);
            return result;
        });
        return endpoints;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseMiddleware<RequestBudgetMiddleware>();
        app.UseStatusCodePages();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseMiddleware<ContentTypeMiddleware>();
        return app;
    }
}
