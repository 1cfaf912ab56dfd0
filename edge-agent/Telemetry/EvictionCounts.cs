namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Rows evicted per kind to keep the store within its budget.</summary>
internal readonly record struct EvictionCounts(long Samples, long Stats, long Events)
{
    public long Total => Samples + Stats + Events;

    public EvictionCounts Add(StoredKind kind, long rows) =>
        kind == StoredKind.Samples ? this with { Samples = Samples + rows }
        : kind == StoredKind.Stats ? this with { Stats = Stats + rows }
        : this with { Events = Events + rows };

    public long Of(StoredKind kind) =>
        kind == StoredKind.Samples ? Samples : kind == StoredKind.Stats ? Stats : Events;
}
