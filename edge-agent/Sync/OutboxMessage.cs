namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>One MQTT publish made from a run of outbox records: a telemetry batch or a single review sample.</summary>
/// <param name="Topic">Where it goes.</param>
/// <param name="Payload">The bytes; empty when <paramref name="LocalRefusal"/> is set.</param>
/// <param name="FirstSeq">Seq of its first record.</param>
/// <param name="LastSeq">Seq of its last record: once acknowledged, the outbox may let go of everything up to it.</param>
/// <param name="Records">How many records it carries.</param>
/// <param name="IsSample">A sample frame rather than a batch.</param>
/// <param name="LocalRefusal">
/// Why the records cannot be sent at all (too large for any payload, unreadable): they are dropped in their turn, like
/// records the hub refused, instead of blocking everything behind them for ever.
/// </param>
internal sealed record OutboxMessage(
    string Topic,
    byte[] Payload,
    long FirstSeq,
    long LastSeq,
    int Records,
    bool IsSample,
    string? LocalRefusal = null)
{
    public string SeqRange => FirstSeq == LastSeq ? $"seq {FirstSeq}" : $"seqs {FirstSeq}..{LastSeq}";
}
