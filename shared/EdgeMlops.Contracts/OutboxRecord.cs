using System.Text.Json;

namespace EdgeMlops.Contracts;

/// <summary>One record of a device's outbox as it travels to the hub.</summary>
/// <param name="Seq">The device's sequence number: increasing, never reused; the hub stores each (device, seq) once.</param>
/// <param name="Kind">One of <see cref="OutboxKinds"/>; says which message <paramref name="Payload"/> holds.</param>
/// <param name="CreatedAt">When the device accepted the record.</param>
/// <param name="Payload">The message itself, with its own <c>"v"</c>; read it with <see cref="ContractReader.TryReadPayload"/>.</param>
public sealed record OutboxRecord(long Seq, string Kind, DateTimeOffset CreatedAt, JsonElement Payload);
