using System.Collections.Concurrent;
using OmakaseRobo.Api.Features.ServiceClients;

namespace OmakaseRobo.Api.Features.Introspection;

/// <summary>
/// What introspection remembers about a client for a few seconds, used only to refuse without reading: an id that has
/// no item, or a secret that is not the stored one. It never accepts: a right secret is always checked against the
/// client's item read in the same BatchGetItem as the token, so a deleted client is refused by every Lambda instance
/// on its very next call and the cache needs no invalidation. It keeps a wrong or removed client from costing a read a call.
/// </summary>
internal sealed class ServiceClientRefusals(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    private sealed record Entry(string? SecretHash, DateTimeOffset Until);

    public bool Refuses(ClientCredentials client) =>
        entries.TryGetValue(client.ClientId, out var entry) && entry.Until > clock.GetUtcNow() && !ServiceClientSecret.Matches(entry.SecretHash, client.Secret);

    /// <summary>The client's stored hash as just read, or null when it has no item.</summary>
    public void Remember(string clientId, string? secretHash)
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear(); // a flood of made-up ids: forgetting is always safe, since the cache only refuses
        }

        entries[clientId] = new Entry(secretHash, clock.GetUtcNow() + Lifetime);
    }
}
