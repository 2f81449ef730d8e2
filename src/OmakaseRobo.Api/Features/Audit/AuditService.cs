namespace OmakaseRobo.Api.Features.Audit;

/// <summary>Reading a tenant's trail (18.1.3): newest first, page by page, with cursors bound to the tenant and the filters.</summary>
internal sealed class AuditService(AuditStore store, AuditCursor cursors, TimeProvider clock)
{
    /// <summary>Items one request reads at most; a sparse filter then answers a short page with a cursor to go on.</summary>
    public const int MaxReadPerPage = 1000;

    /// <summary>Null when the cursor does not belong to this tenant and these filters.</summary>
    public async Task<AuditEventList?> ListAsync(string tenantId, AuditListing listing, CancellationToken cancellationToken)
    {
        CursorPosition? position = null;
        if (listing.Cursor is { } cursor)
        {
            position = await cursors.OpenAsync(tenantId, listing.Binding, cursor, cancellationToken).ConfigureAwait(false);
            if (position is null)
            {
                return null;
            }
        }

        var lastDay = AuditChain.DayOf(listing.To is { } to ? to.AddTicks(-1) : clock.GetUtcNow()).AddDays(listing.To is null ? 1 : 0);
        if (position is not null && position.Day < lastDay)
        {
            lastDay = position.Day;
        }

        var fromTime = AuditChain.FormatTime(listing.From);
        var toTime = listing.To is { } end ? AuditChain.FormatTime(end) : "~"; // "~" sorts after every time
        var items = new List<StoredEvent>();
        var budget = MaxReadPerPage;
        CursorPosition? next = null;
        var chains = await store.ListChainsAsync(tenantId, AuditChain.DayOf(listing.From), lastDay, newestFirst: true, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < chains.Count && next is null; i++)
        {
            var chain = chains[i].Chain;
            if (budget <= 0)
            {
                next = CursorPosition.StartOf(chain.Day);
                break;
            }

            var below = position?.Day == chain.Day ? position.Below : (long?)null;
            var page = await store.ReadNewestFirstAsync(
                chain, below, listing.Category, fromTime, toTime, listing.Limit + 1 - items.Count, budget, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Events);
            budget -= page.Read;
            if (items.Count > listing.Limit)
            {
                items.RemoveAt(items.Count - 1);
                next = new CursorPosition(items[^1].Chain.Day, items[^1].Sequence);
            }
            else if (page.StoppedAt is { } stoppedAt)
            {
                next = new CursorPosition(chain.Day, stoppedAt);
            }
        }

        var nextCursor = next is null ? null : await cursors.SealAsync(tenantId, listing.Binding, next, cancellationToken).ConfigureAwait(false);
        return new AuditEventList([.. items.Select(AuditEventItem.From)], nextCursor);
    }
}
