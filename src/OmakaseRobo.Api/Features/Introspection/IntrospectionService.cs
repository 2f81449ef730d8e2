using OmakaseRobo.Api.Features.Auth;
using OmakaseRobo.Api.Features.ServiceClients;
using OmakaseRobo.Api.Platform.Http;
using OmakaseRobo.Api.Features.Sessions;
using OmakaseRobo.Api.Platform.Access;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Api.Features.Introspection;

/// <summary>How an introspection call ended.</summary>
internal abstract record IntrospectionOutcome
{
    private IntrospectionOutcome()
    {
    }

    /// <summary>No client, an unknown or removed one, or a wrong secret.</summary>
    public sealed record UnknownClient : IntrospectionOutcome;

    public sealed record MissingToken(string ClientId) : IntrospectionOutcome;

    public sealed record Answered(string ClientId, IntrospectionResponse Response) : IntrospectionOutcome;
}

/// <summary>
/// RFC 7662 token introspection for the product's own services. One BatchGetItem reads the session, its user and
/// tenant, the product permission names and the calling client's item; the rules are the access middleware's
/// (<see cref="CallerResolver.CallerOf"/>), except that nothing is written: the idle timeout does not slide. Every token
/// that is not a live, unrestricted session answers the same <see cref="IntrospectionResponse.Inactive"/> after the same read.
/// </summary>
internal sealed class IntrospectionService(CallerResolver callers, SessionStore sessions, ServiceClientRefusals refusals, TimeProvider clock)
{
    public const string TokenType = "Bearer";

    /// <summary>Stands in for a value that is no token at all, so garbage costs the same read as a real token.</summary>
    private const string NoId = "-";

    public async Task<IntrospectionOutcome> IntrospectAsync(ClientCredentials? client, string? tokenValue, RequestOrigin origin, CancellationToken cancellationToken)
    {
        if (client is null || refusals.Refuses(client))
        {
            return new IntrospectionOutcome.UnknownClient();
        }

        var token = BearerToken.Parse(tokenValue) ?? new BearerToken(NoId, NoId, tokenValue ?? string.Empty);
        var (view, items) = await callers.LoadWithAsync(token, [ServiceClientStore.Key(client.ClientId)], cancellationToken).ConfigureAwait(false);
        var clientItem = items.FirstOrDefault(i => i.TryGetValue(TableSchema.Type, out var type) && type.S == ServiceClientStore.ItemType);
        var storedHash = clientItem is null ? null : ServiceClientStore.FromItem(clientItem).SecretHash;
        refusals.Remember(client.ClientId, storedHash);
        if (!ServiceClientSecret.Matches(storedHash, client.Secret))
        {
            return new IntrospectionOutcome.UnknownClient();
        }

        if (string.IsNullOrEmpty(tokenValue))
        {
            return new IntrospectionOutcome.MissingToken(client.ClientId);
        }

        var caller = view is null ? null : callers.CallerOf(view, token, origin, clock.GetUtcNow());
        if (view is null || caller is null || caller.IsRestricted)
        {
            return new IntrospectionOutcome.Answered(client.ClientId, IntrospectionResponse.Inactive);
        }

        return new IntrospectionOutcome.Answered(client.ClientId, new IntrospectionResponse(
            Active: true,
            TokenType,
            caller.UserId,
            caller.TenantId,
            caller.Roles,
            [.. caller.Permissions.Order(StringComparer.Ordinal)],
            caller.SessionId,
            view.Session.AuthenticationMethods,
            view.Session.CreatedAt.ToUnixTimeSeconds(),
            sessions.ExpiryOf(view.Session).ToUnixTimeSeconds()));
    }
}
