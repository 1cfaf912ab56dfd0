using System.Collections.Concurrent;
using EdgeMlops.EdgeAgent.Diagnostics;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>Pipeline stages whose latency and drops are reported per camera.</summary>
public static class Stages
{
    public const string Decode = "decode";
    public const string Proposals = "proposals";
    public const string Classify = "classify";
    public const string Track = "track";
    public const string EndToEnd = "endToEnd";
    public static readonly string[] All = [Decode, Proposals, Classify, Track, EndToEnd];
}

/// <summary>
/// What one camera's pipeline has done: written by its stages, read by the status line, the interval stats
/// records and the run summary. Counters are atomic; histograms lock internally.
/// </summary>
public sealed class CameraMetrics(string cameraId, IReadOnlyList<string> labels)
{
    private long _decoded;
    private long _frames;
    private long _crops;
    private long _reconnects;
    private long _samples;
    private readonly ConcurrentDictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly long[] _vehicles = new long[labels.Count];

    public string CameraId => cameraId;
    public IReadOnlyList<string> Labels => labels;
    /// <summary>Since the start of the run.</summary>
    public Dictionary<string, LatencyHistogram> Latency { get; } = Stages.All.ToDictionary(s => s, _ => new LatencyHistogram());

    /// <summary>Since the last stats record; the stats reporter resets it.</summary>
    public Dictionary<string, LatencyHistogram> IntervalLatency { get; } = Stages.All.ToDictionary(s => s, _ => new LatencyHistogram());
    public string? LastError { get; set; }

    /// <summary>Frames the source delivered; every one is either processed or dropped.</summary>
    public long Decoded => Interlocked.Read(ref _decoded);

    /// <summary>Frames that went all the way through tracking.</summary>
    public long Frames => Interlocked.Read(ref _frames);
    public long Crops => Interlocked.Read(ref _crops);
    public long Reconnects => Interlocked.Read(ref _reconnects);

    public void FrameDecoded() => Interlocked.Increment(ref _decoded);

    public void RecordLatency(string stage, TimeSpan elapsed)
    {
        Latency[stage].Record(elapsed);
        IntervalLatency[stage].Record(elapsed);
    }

    public void FrameProcessed(int crops)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _crops, crops);
    }

    public long Samples => Interlocked.Read(ref _samples);
    public void Sampled() => Interlocked.Increment(ref _samples);

    /// <summary>Called by live captures when a lost stream is back (synthetic cameras never lose theirs).</summary>
    public void Reconnected() => Interlocked.Increment(ref _reconnects);

    public void Dropped(string stage, long count = 1) => _drops.AddOrUpdate(stage, count, (_, c) => c + count);

    public void Vehicle(string label)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] == label) Interlocked.Increment(ref _vehicles[i]);
    }

    public IReadOnlyDictionary<string, long> Drops() => Stages.All.Take(4).ToDictionary(s => s, s => _drops.GetValueOrDefault(s));

    public IReadOnlyDictionary<string, long> Vehicles() =>
        labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => Interlocked.Read(ref _vehicles[p.i]));

    public long TotalDrops => _drops.Values.Sum();
}
