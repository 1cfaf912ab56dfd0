using System.Text.Json;
using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>A validated record accepted by the <see cref="TelemetryQueue"/>, waiting for the writer to commit it.</summary>
/// <param name="CreatedAt">When the queue accepted it; becomes the outbox record's createdAt.</param>
internal abstract record PendingRecord(DateTimeOffset CreatedAt)
{
    /// <summary>One of <see cref="OutboxKinds"/>.</summary>
    public abstract string Kind { get; }

    /// <summary>The row of the record's typed table, payload serialized, stored under <paramref name="seq"/>.</summary>
    public abstract object ToRow(long seq);
}

internal sealed record PendingVehicleEvent(VehicleEvent Event, DateTimeOffset CreatedAt) : PendingRecord(CreatedAt)
{
    public override string Kind => OutboxKinds.Event;

    public override object ToRow(long seq) => new VehicleEventRow
    {
        Seq = seq,
        CameraId = Event.CameraId,
        Label = Event.Label,
        LastSeenMs = Event.LastSeen.ToUnixTimeMilliseconds(),
        Payload = JsonSerializer.Serialize(Event, ContractsJsonContext.Default.VehicleEvent),
    };
}

internal sealed record PendingCameraStats(CameraStats Stats, DateTimeOffset CreatedAt) : PendingRecord(CreatedAt)
{
    public override string Kind => OutboxKinds.Stats;

    public override object ToRow(long seq) => new CameraStatsRow
    {
        Seq = seq,
        CameraId = Stats.CameraId,
        IntervalEndMs = Stats.IntervalEnd.ToUnixTimeMilliseconds(),
        Payload = JsonSerializer.Serialize(Stats, ContractsJsonContext.Default.CameraStats),
    };
}

internal sealed record PendingPrecisionReport(PrecisionReport Report, DateTimeOffset CreatedAt) : PendingRecord(CreatedAt)
{
    public override string Kind => OutboxKinds.Precision;

    public override object ToRow(long seq) => new PrecisionReportRow
    {
        Seq = seq,
        CameraId = Report.CameraId,
        Source = Report.Source,
        WindowEndMs = Report.WindowEnd.ToUnixTimeMilliseconds(),
        Payload = JsonSerializer.Serialize(Report, ContractsJsonContext.Default.PrecisionReport),
    };
}

internal sealed record PendingReviewSample(ReviewSampleInfo Info, byte[] Jpeg, DateTimeOffset CreatedAt) : PendingRecord(CreatedAt)
{
    public override string Kind => OutboxKinds.Sample;

    public override object ToRow(long seq) => new ReviewSampleRow
    {
        Seq = seq,
        CameraId = Info.CameraId,
        SampleId = Info.SampleId,
        CapturedAtMs = Info.CapturedAt.ToUnixTimeMilliseconds(),
        Payload = JsonSerializer.Serialize(Info, ContractsJsonContext.Default.ReviewSampleInfo),
        Jpeg = Jpeg,
    };
}
