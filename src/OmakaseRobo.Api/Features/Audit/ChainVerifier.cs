using OmakaseRobo.Api.Platform.Keys;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>A place where the trail cannot be proven: the first such position of a chain, and why.</summary>
internal sealed record ChainBreak(AuditChain Chain, long Position, string Problem)
{
    public string EventId => Chain.EventId(Position);

    /// <summary>Earliest first: by day, then tenant, then position.</summary>
    public static ChainBreak? Earliest(IEnumerable<ChainBreak?> breaks) =>
        breaks.OfType<ChainBreak>()
            .OrderBy(b => b.Chain.Day)
            .ThenBy(b => b.Chain.TenantId, StringComparer.Ordinal)
            .ThenBy(b => b.Position)
            .FirstOrDefault();
}

/// <summary>What checking one chain found: how many events are proven, the first break, and the checkpoints that are genuine.</summary>
internal sealed record ChainCheck(AuditChain Chain, long ProvenEvents, ChainBreak? Break, IReadOnlyList<AuditCheckpoint> Checkpoints);

/// <summary>
/// The verification rules (16.1.7). Within a chain, event n must sit at position n, link to the hash of event n-1 and
/// hash to what it says; the head and every genuine checkpoint must match the events they vouch for. (Events after the
/// head and the last checkpoint are proven by their links only: a keyless chain cannot tell a forged tail from a new one.) Across a tenant's
/// chains, each checkpoint must link to the one before it, unless that one lay in a day already expired (purged).
/// A break is reported at the first event that can no longer be proven.
/// </summary>
internal static class ChainVerifier
{
    public static async Task<ChainCheck> CheckChainAsync(ChainHead head, ChainContents contents, IAuditSigner signer, CancellationToken cancellationToken)
    {
        var chain = head.Chain;
        ChainBreak? first = null;
        void Break(long position, string problem)
        {
            if (first is null || position < first.Position)
            {
                first = new ChainBreak(chain, position, problem);
            }
        }

        var hashes = new List<string> { AuditChain.Genesis }; // hashes[n]: the proven hash of event n
        foreach (var (position, e) in contents.Events)
        {
            var expected = (long)hashes.Count;
            if (position != expected)
            {
                Break(expected, position > expected ? "event-missing" : "event-out-of-place");
                break;
            }

            if (e.Sequence != expected || e.EventId != chain.EventId(expected) || e.PrevHash != hashes[^1] || ChainHash.OfEvent(e) != e.Hash)
            {
                Break(expected, "event-altered");
                break;
            }

            hashes.Add(e.Hash);
        }

        // The head was read before the events: appends racing the verifier only add events after it.
        var proven = hashes.Count - 1L;
        if (head.Sequence > proven)
        {
            Break(proven + 1, "tail-missing");
        }
        else if (hashes[(int)head.Sequence] != head.Hash)
        {
            Break(head.Sequence, "head-altered");
        }

        var genuine = new List<AuditCheckpoint>();
        var signedUpTo = 0L;
        foreach (var checkpoint in contents.Checkpoints.OrderBy(c => c.Sequence))
        {
            if (!await IsGenuineAsync(checkpoint, signer, cancellationToken).ConfigureAwait(false))
            {
                Break(signedUpTo + 1, "checkpoint-invalid");
                continue;
            }

            genuine.Add(checkpoint);
            if (checkpoint.HeadSequence > proven)
            {
                Break(proven + 1, "tail-missing"); // a checkpoint vouched for events that are gone or broken
            }
            else if (hashes[(int)checkpoint.HeadSequence] != checkpoint.HeadHash)
            {
                Break(signedUpTo + 1, "checkpoint-mismatch"); // rewritten after the last checkpoint that still matches
            }
            else
            {
                signedUpTo = Math.Max(signedUpTo, checkpoint.HeadSequence);
            }
        }

        return new ChainCheck(chain, first is null ? proven : first.Position - 1, first, genuine);
    }

    /// <summary>
    /// The links between a tenant's checkpoints, and to the tenant's latest one. <paramref name="checks"/> are the
    /// tenant's chains that were read; a link into a day outside <paramref name="from"/>..<paramref name="to"/> is not followed.
    /// </summary>
    public static ChainBreak? CheckCheckpointLinks(
        string tenantId, IReadOnlyList<ChainCheck> checks, CheckpointLink? latest, DateOnly from, DateOnly to, DateTimeOffset now)
    {
        var checkpoints = checks.SelectMany(c => c.Checkpoints).GroupBy(c => c.Sequence).ToDictionary(g => g.Key, g => g.First());
        var breaks = new List<ChainBreak?>();
        foreach (var checkpoint in checkpoints.Values)
        {
            if (checkpoint.Previous is not { } previous)
            {
                breaks.Add(checkpoint.Sequence == 1 ? null : new ChainBreak(checkpoint.Chain, 1, "checkpoint-link"));
            }
            else if (checkpoints.TryGetValue(previous.Sequence, out var found))
            {
                var linked = previous.Sequence == checkpoint.Sequence - 1 && found.Chain.Day == previous.Day && found.Hash == previous.Hash;
                breaks.Add(linked ? null : new ChainBreak(checkpoint.Chain, 1, "checkpoint-link"));
            }
            else
            {
                breaks.Add(Missing(previous));
            }
        }

        if (latest is not null && !(checkpoints.TryGetValue(latest.Sequence, out var newest) && newest.Hash == latest.Hash))
        {
            breaks.Add(Missing(latest));
        }

        return ChainBreak.Earliest(breaks);

        // A checkpoint that should be there: its whole chain is gone, or the checkpoint is, leaving events after the last one unsigned.
        ChainBreak? Missing(CheckpointLink link)
        {
            if (link.Day < from || link.Day > to || AuditChain.IsExpired(link.Day, now))
            {
                return null;
            }

            var chain = new AuditChain(tenantId, link.Day);
            var check = checks.FirstOrDefault(c => c.Chain == chain);
            if (check is null)
            {
                return new ChainBreak(chain, 1, "chain-missing");
            }

            var signedUpTo = check.Checkpoints.Where(c => c.Sequence < link.Sequence).Select(c => c.HeadSequence).DefaultIfEmpty(0).Max();
            return new ChainBreak(chain, signedUpTo + 1, "checkpoint-missing");
        }
    }

    private static async Task<bool> IsGenuineAsync(AuditCheckpoint checkpoint, IAuditSigner signer, CancellationToken cancellationToken)
    {
        var message = ChainHash.CheckpointMessage(checkpoint);
        if (checkpoint.Hash != Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(message)))
        {
            return false;
        }

        var signature = new byte[checkpoint.Signature.Length];
        return Convert.TryFromBase64String(checkpoint.Signature, signature, out var length)
            && await signer.VerifyAsync(message, signature[..length], checkpoint.KeyId, cancellationToken).ConfigureAwait(false);
    }
}
