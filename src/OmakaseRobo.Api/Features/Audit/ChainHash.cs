using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OmakaseRobo.Api.Features.Audit;

/// <summary>
/// The canonical encoding the trail hashes and signs: a version tag, then every field in a fixed order as a presence
/// byte, a 4-byte big-endian length and UTF-8 bytes, so no two different events (or checkpoints) encode alike.
/// </summary>
internal static class ChainHash
{
    private const string EventTag = "omakase-audit-event-v1";
    private const string CheckpointTag = "omakase-audit-checkpoint-v1";

    /// <summary>SHA-256 over the event, its place in its chain and the previous event's hash, as lower-case hex.</summary>
    public static string OfEvent(StoredEvent e)
    {
        var encoding = new Encoder();
        encoding.Add(EventTag);
        encoding.Add(e.Chain.TenantId);
        encoding.Add(e.Chain.DayText);
        encoding.Add(e.Sequence.ToString(CultureInfo.InvariantCulture));
        encoding.Add(e.EventId);
        encoding.Add(e.Time);
        encoding.Add(e.Category);
        encoding.Add(e.ActorId);
        encoding.Add(e.Action);
        encoding.Add(e.Target);
        encoding.Add(e.Outcome);
        encoding.Add(e.SourceIp);
        encoding.Add(e.UserAgent);
        encoding.Add(e.Details.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in e.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            encoding.Add(key);
            encoding.Add(value);
        }

        encoding.Add(e.PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(encoding.ToArray()));
    }

    /// <summary>The bytes a checkpoint's signature covers: the chain head it vouches for and the checkpoint before it.</summary>
    public static byte[] CheckpointMessage(AuditCheckpoint checkpoint)
    {
        var encoding = new Encoder();
        encoding.Add(CheckpointTag);
        encoding.Add(checkpoint.Chain.TenantId);
        encoding.Add(checkpoint.Chain.DayText);
        encoding.Add(checkpoint.Sequence.ToString(CultureInfo.InvariantCulture));
        encoding.Add(checkpoint.HeadSequence.ToString(CultureInfo.InvariantCulture));
        encoding.Add(checkpoint.HeadHash);
        encoding.Add(checkpoint.Previous?.DayText);
        encoding.Add(checkpoint.Previous?.Sequence.ToString(CultureInfo.InvariantCulture));
        encoding.Add(checkpoint.Previous?.Hash);
        encoding.Add(checkpoint.Time);
        encoding.Add(checkpoint.KeyId);
        return encoding.ToArray();
    }

    public static string OfCheckpoint(AuditCheckpoint checkpoint) => Convert.ToHexStringLower(SHA256.HashData(CheckpointMessage(checkpoint)));

    private sealed class Encoder
    {
        private readonly ArrayBufferWriter<byte> bytes = new(512);

        public void Add(string? value)
        {
            var utf8 = value is null ? [] : Encoding.UTF8.GetBytes(value);
            var span = bytes.GetSpan(5 + utf8.Length);
            span[0] = value is null ? (byte)0 : (byte)1;
            BinaryPrimitives.WriteInt32BigEndian(span[1..5], utf8.Length);
            utf8.CopyTo(span[5..]);
            bytes.Advance(5 + utf8.Length);
        }

        public byte[] ToArray() => bytes.WrittenSpan.ToArray();
    }
}
