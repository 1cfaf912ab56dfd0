using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>What a device reports about itself on its reported topic, periodically and whenever it changes.</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="At">When the device wrote the report.</param>
/// <param name="ModelName">The classifier the device runs.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="Outbox">The device's backlog: what it still has to send.</param>
/// <param name="DesiredRevision">The revision of the desired state the device last applied, when it has received one.</param>
/// <param name="Deployment">Progress on the model version the desired state names; absent before the first one.</param>
/// <param name="Shadow">Champion/challenger statistics of the last window, while a challenger runs.</param>
/// <param name="ReviewedPrecision">Precision measured at the hub from reviews, as the desired state last told the box (echoed so the hub sees the box has it).</param>
public sealed record ReportedState(
    string DeviceId,
    DateTimeOffset At,
    string ModelName,
    string ModelVersion,
    OutboxBacklog Outbox,
    long? DesiredRevision = null,
    ModelDeploymentReport? Deployment = null,
    ShadowReport? Shadow = null,
    IReadOnlyList<CameraReviewedPrecision>? ReviewedPrecision = null) : IDeviceMessage
{
    /// <inheritdoc />
    [JsonPropertyOrder(-1)]
    public int V { get; init; } = ContractVersion.Current;
}

/// <summary>A device's outbox as it stood when reported.</summary>
/// <param name="Epoch">The outbox's incarnation (see <see cref="TelemetryBatch.Epoch"/>).</param>
/// <param name="LastIssuedSeq">The last seq the device issued.</param>
/// <param name="Pending">Records not yet acknowledged by the broker.</param>
/// <param name="OldestPendingSeq">Seq of the oldest pending record; absent when nothing is pending.</param>
/// <param name="Evicted">Records ever evicted to stay within the device's size budget: data the hub will never see.</param>
public sealed record OutboxBacklog(
    long Epoch,
    long LastIssuedSeq,
    long Pending,
    // Written as null rather than left out: readers require every constructor parameter to be present.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? OldestPendingSeq,
    long Evicted);
