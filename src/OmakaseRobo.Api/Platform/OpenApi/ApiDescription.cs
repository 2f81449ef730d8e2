using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Problems;

namespace OmakaseRobo.Api.Platform.OpenApi;

/// <summary>
/// Completes the OpenAPI document in one place: the bearer scheme on every operation whose <see cref="AccessRule"/>
/// needs a session, and every problem status an operation can answer, derived from its rule, its method and its
/// route (401, 403, 404, 400/413/415 for a body, 429, 503); route-specific statuses (409) are declared on the route
/// with ProducesProblem. Also: several shapes for one status (<see cref="OneOfResponse"/>), examples
/// (<see cref="OperationExamples"/>), and request fields marked [Required] listed as required and not nullable.
/// </summary>
internal static class ApiDescription
{
    public const string BearerScheme = "bearer";
    public const string BasicScheme = "serviceClient";
    public const string ProblemSchema = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<int, string> StatusMeaning = new()
    {
        [400] = "Invalid input: a validation problem names each field in `errors`; `malformed-json` when the body is not JSON.",
        [401] = "Not authenticated: on sign-in, the details are wrong (one answer for every reason); elsewhere the bearer token is missing, "
            + "unknown, expired or ended, or its user or tenant is disabled (`WWW-Authenticate: Bearer`).",
        [403] = "Not allowed: the caller lacks the permission, or the session is restricted until the password is changed "
            + "(`password-change-required`) and MFA enrolled (`mfa-enrollment-required`).",
        [404] = "Not found; also the answer for another tenant's resources, exactly as if they did not exist.",
        [409] = "Conflicts with the current state (`detail` says why); read the resource again and retry if it makes sense.",
        [413] = "The body is larger than 64 KiB.",
        [415] = "The body is not `application/json`.",
        [429] = "Too many requests: the stage's throttling (API Gateway, in AWS); on sign-in, the account is locked for `Retry-After` seconds.",
        [503] = "A dependency (DynamoDB, KMS) is unavailable; nothing was changed half way. Try again later.",
    };

    public static OpenApiOptions AddApiDescription(this OpenApiOptions options)
    {
        options.AddDocumentTransformer(static (document, _, _) =>
        {
            document.Info ??= new OpenApiInfo();
            document.Info.Title = "Omakase Robo security API";
            document.Info.Version = "v1";
            document.Info.Description = "Sign-in with TOTP MFA, per-tenant roles, the tamper-evident audit trail, incidents and their notices. "
                + "Every error is an RFC 9457 problem (`application/problem+json`) whose `title` follows `Accept-Language` (ja or en).";
            EnsureScheme(document, BearerScheme, BearerDefinition);
            NullableAreOptional(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(DescribeOperationAsync);
        options.AddSchemaTransformer(static (schema, context, _) =>
        {
            RequiredAreNotNullable(schema, context.JsonTypeInfo);
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>The statuses a rule, a method and a route imply (the test checks every operation against this); 415 for a JSON body.</summary>
    public static IReadOnlyList<int> ImpliedStatuses(AccessRule? rule, bool hasBody, bool hasJsonBody, bool hasQuery, bool hasPathParameters)
    {
        var statuses = new List<int>();
        if (hasBody || hasQuery)
        {
            statuses.Add(400);
        }

        if (rule is { Anonymous: false })
        {
            statuses.Add(401);
            if (rule.TenantPermission is not null || rule.PlatformPermission is not null || !rule.AllowedWhileRestricted)
            {
                statuses.Add(403);
            }
        }

        if (hasPathParameters)
        {
            statuses.Add(404);
        }

        if (hasBody)
        {
            statuses.Add(413);
        }

        if (hasJsonBody)
        {
            statuses.Add(415);
        }

        statuses.AddRange([429, 503]);
        return statuses;
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var rule = metadata.OfType<AccessRule>().LastOrDefault();
        if (rule is { Anonymous: false })
        {
            RequireScheme(operation, document, BearerScheme, BearerDefinition);
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchema))
        {
            document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken).ConfigureAwait(false);
        }

        operation.Responses ??= [];
        if (metadata.OfType<ServiceClientForm>().LastOrDefault() is { } form)
        {
            DescribeServiceClientForm(operation, form, document);
        }

        var hasBody = operation.RequestBody is not null;
        var hasJsonBody = operation.RequestBody?.Content?.ContainsKey("application/json") == true;
        var hasQuery = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true;
        var hasPath = operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true;
        foreach (var status in ImpliedStatuses(rule, hasBody, hasJsonBody, hasQuery, hasPath))
        {
            AddProblem(operation, status, document);
        }

        foreach (var (code, response) in operation.Responses)
        {
            if (code.StartsWith('4') || code.StartsWith('5'))
            {
                if (response is OpenApiResponse concrete && int.TryParse(code, out var status) && StatusMeaning.TryGetValue(status, out var meaning)
                    && (string.IsNullOrEmpty(concrete.Description) || concrete.Description.Length < 30))
                {
                    concrete.Description = meaning;
                }
            }
        }

        foreach (var shapes in metadata.OfType<OneOfResponse>())
        {
            var oneOf = new List<IOpenApiSchema>();
            foreach (var type in shapes.Types)
            {
                oneOf.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken).ConfigureAwait(false));
            }

            operation.Responses[shapes.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = shapes.Description,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { OneOf = oneOf } } },
            };
        }

        if (metadata.OfType<OperationExamples>().LastOrDefault() is { } examples)
        {
            if (examples.Request is not null && operation.RequestBody?.Content is { } requestContent)
            {
                foreach (var media in requestContent.Values)
                {
                    media.Example = JsonNode.Parse(examples.Request);
                }
            }

            if (examples.Response is not null
                && operation.Responses.FirstOrDefault(r => r.Key.StartsWith('2')).Value?.Content is { } responseContent)
            {
                foreach (var media in responseContent.Values)
                {
                    media.Example = JsonNode.Parse(examples.Response);
                }
            }
        }
    }

    /// <summary>A service client's call: HTTP Basic with the client's id and secret, a form body of string fields, 401 for a wrong client.</summary>
    private static void DescribeServiceClientForm(OpenApiOperation operation, ServiceClientForm form, OpenApiDocument document)
    {
        RequireScheme(operation, document, BasicScheme, static () => new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "A service client of POST /v1/service-clients: `clientId:clientSecret` as HTTP Basic (RFC 7617).",
        });
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string>(form.Required, StringComparer.Ordinal),
        };
        foreach (var (name, description) in form.Fields)
        {
            schema.Properties[name] = new OpenApiSchema { Type = JsonSchemaType.String, Description = description };
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/x-www-form-urlencoded"] = new() { Schema = schema } },
        };
        AddProblem(operation, 401, document, "The service client is missing, unknown, deleted or its secret is wrong (`WWW-Authenticate: Basic`).");
    }

    private static void AddProblem(OpenApiOperation operation, int status, OpenApiDocument document, string? description = null)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description ?? StatusMeaning[status],
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) } },
        };
    }

    private static OpenApiSecurityScheme BearerDefinition() => new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "opaque",
        Description = "The `accessToken` of POST /v1/auth/login (or /v1/auth/mfa/verify), as `Authorization: Bearer <token>`. "
            + "Idle timeout 30 minutes, absolute 12 hours.",
    };

    /// <summary>The operation needs the scheme <paramref name="name"/>: described once among the document's components, required here.</summary>
    private static void RequireScheme(OpenApiOperation operation, OpenApiDocument document, string name, Func<OpenApiSecurityScheme> define)
    {
        EnsureScheme(document, name, define);
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, document)] = [] });
    }

    private static void EnsureScheme(OpenApiDocument document, string name, Func<OpenApiSecurityScheme> define)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        if (!document.Components.SecuritySchemes.ContainsKey(name))
        {
            document.Components.SecuritySchemes[name] = define();
        }
    }

    /// <summary>Once every schema is made: a property that may be null is never listed as required.</summary>
    private static void NullableAreOptional(OpenApiDocument document)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Required is null || schema.Properties is null)
            {
                continue;
            }

            foreach (var (name, property) in schema.Properties)
            {
                if (property is OpenApiSchema { Type: { } type } && type.HasFlag(JsonSchemaType.Null))
                {
                    schema.Required.Remove(name);
                }
            }
        }
    }

    /// <summary>
    /// What is required is what is always there: a property marked [Required] (request fields validated as required,
    /// listed as required and no longer nullable), or one whose type is not nullable. A nullable one is optional: it
    /// may be left out of a request, and it is left out of an answer when null.
    /// </summary>
    private static void RequiredAreNotNullable(OpenApiSchema schema, JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: false) == true)
            {
                schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
                schema.Required.Add(property.Name);
                if (schema.Properties.TryGetValue(property.Name, out var propertySchema) && propertySchema is OpenApiSchema { Type: { } type } concrete)
                {
                    concrete.Type = type & ~JsonSchemaType.Null;
                }
            }
            else if (property.IsGetNullable || Nullable.GetUnderlyingType(property.PropertyType) is not null)
            {
                schema.Required?.Remove(property.Name);
            }
        }
    }
}
