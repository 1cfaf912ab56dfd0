namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>A record waiting in the outbox, as the sync publishes it.</summary>
/// <param name="Seq">The device's sequence number: increasing, never reused, with gaps where records were evicted.</param>
/// <param name="Kind">One of <see cref="Contracts.OutboxKinds"/>.</param>
/// <param name="CreatedAt">When the agent accepted the record.</param>
/// <param name="Payload">The record's contract JSON (<see cref="Contracts.VehicleEvent"/>, <see cref="Contracts.CameraStats"/> or <see cref="Contracts.ReviewSampleInfo"/>).</param>
/// <param name="Jpeg">The crop of a review sample; null for other kinds.</param>
public sealed record OutboxEntry(long Seq, string Kind, DateTimeOffset CreatedAt, string Payload, byte[]? Jpeg);
