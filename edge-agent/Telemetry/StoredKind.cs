using EdgeMlops.Contracts;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Where records of one outbox kind are stored, and under which key their evictions are counted.</summary>
internal sealed record StoredKind(string Kind, string Table, string EvictedKey)
{
    public static readonly StoredKind Samples = new(OutboxKinds.Sample, TableNames.ReviewSamples, MetaKeys.EvictedSamples);
    public static readonly StoredKind Stats = new(OutboxKinds.Stats, TableNames.CameraStats, MetaKeys.EvictedStats);
    public static readonly StoredKind Precision = new(OutboxKinds.Precision, TableNames.PrecisionReports, MetaKeys.EvictedPrecision);
    public static readonly StoredKind Events = new(OutboxKinds.Event, TableNames.VehicleEvents, MetaKeys.EvictedEvents);

    public static readonly IReadOnlyList<StoredKind> All = [Samples, Stats, Precision, Events];
}
