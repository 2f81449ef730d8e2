namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// A signed statement "chain C had <see cref="HeadSequence"/> events ending in <see cref="HeadHash"/>". A tenant's
/// checkpoints form a chain of their own (<see cref="Sequence"/>, <see cref="Previous"/>) across its days, so deleting a
/// checkpoint, or a whole day, shows in the next one.
/// </summary>
internal sealed record AuditCheckpoint(
    AuditChain Chain,
    long Sequence,
    long HeadSequence,
    string HeadHash,
    CheckpointLink? Previous,
    string Time,
    string KeyId,
    string Signature,
    string Hash);

/// <summary>Where a checkpoint is and what it hashes to: the link from the next checkpoint, and the tenant's latest one.</summary>
internal sealed record CheckpointLink(DateOnly Day, long Sequence, string Hash)
{
    public string DayText => AuditChain.Format(Day);
}
