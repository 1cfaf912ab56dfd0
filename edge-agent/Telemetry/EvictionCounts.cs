namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Rows evicted per kind to keep the store within its budget.</summary>
internal readonly record struct EvictionCounts(long Samples, long Stats, long Events, long Precision = 0)
{
    public long Total => Samples + Stats + Events + Precision;

    public EvictionCounts Add(StoredKind kind, long rows) =>
        kind == StoredKind.Samples ? this with { Samples = Samples + rows }
        : kind == StoredKind.Stats ? this with { Stats = Stats + rows }
        : kind == StoredKind.Precision ? this with { Precision = Precision + rows }
        : this with { Events = Events + rows };

    public long Of(StoredKind kind) =>
        kind == StoredKind.Samples ? Samples : kind == StoredKind.Stats ? Stats : kind == StoredKind.Precision ? Precision : Events;
}
