namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>An outbox message was not delivered: the broker refused it for now, or no acknowledgement came.</summary>
internal sealed class SyncPublishException(OutboxMessage message, PublishOutcome outcome)
    : Exception($"{(message.IsSample ? "sample" : "telemetry batch")} {message.SeqRange}: {outcome.Verdict} ({outcome.Detail})", outcome.Failure)
{
    public OutboxMessage OutboxMessage { get; } = message;
    public PublishOutcome Outcome { get; } = outcome;
}
