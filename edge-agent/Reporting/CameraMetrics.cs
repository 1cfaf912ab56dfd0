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

    /// <summary>The stages that can drop work; end-to-end is a measurement, not a stage.</summary>
    public static readonly string[] WithDrops = [Decode, Proposals, Classify, Track];
}

/// <summary>
/// What one camera's pipeline has done: written by its stages, read by the status line, the interval stats
/// records and the run summary. Counters are atomic; histograms lock internally. Vehicles are counted per label of
/// the models that classified them (<see cref="KnowLabels"/>), so a model with other labels adds its own.
/// </summary>
public sealed class CameraMetrics
{
    private readonly string _cameraId;
    private long _frames;
    private long _samples;
    private readonly ConcurrentDictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly Lock _labelsGate = new();
    private readonly List<string> _labels = [];
    private readonly Dictionary<string, long> _vehicles = new(StringComparer.Ordinal);
    private IReadOnlyList<string>? _lastLabels;

    public CameraMetrics(string cameraId, IReadOnlyList<string>? labels = null)
    {
        _cameraId = cameraId;
        if (labels is not null) KnowLabels(labels);
    }

    public string CameraId => _cameraId;

    /// <summary>Every label vehicles are counted under, in the order first known.</summary>
    public IReadOnlyList<string> Labels
    {
        get { lock (_labelsGate) return [.. _labels]; }
    }

    /// <summary>Adds the labels of a model this camera's vehicles are classified by; known labels keep their place and counts.</summary>
    public void KnowLabels(IReadOnlyList<string> labels)
    {
        lock (_labelsGate)
        {
            if (ReferenceEquals(labels, _lastLabels)) return;
            foreach (var label in labels)
                if (_vehicles.TryAdd(label, 0)) _labels.Add(label);
            _lastLabels = labels;
        }
    }
    /// <summary>Since the start of the run.</summary>
    public Dictionary<string, LatencyHistogram> Latency { get; } = Stages.All.ToDictionary(s => s, _ => new LatencyHistogram());

    /// <summary>Since the last stats record; the stats reporter resets it.</summary>
    public Dictionary<string, LatencyHistogram> IntervalLatency { get; } = Stages.All.ToDictionary(s => s, _ => new LatencyHistogram());
    public string? LastError { get; set; }

    /// <summary>The camera's capture counters (frames grabbed, delivered, dropped, reconnects).</summary>
    public Func<Capture.CaptureStatistics>? CaptureStatistics { get; set; }

    private Capture.CaptureStatistics Capture => CaptureStatistics?.Invoke() ?? default;

    /// <summary>Frames that entered the pipeline; every one is either processed or dropped.</summary>
    public long Decoded => Capture.FramesDelivered + Capture.FramesDroppedNoBuffer;

    /// <summary>Frames that went all the way through tracking.</summary>
    public long Frames => Interlocked.Read(ref _frames);
    public long Reconnects => Capture.Reconnects;

    public void RecordLatency(string stage, TimeSpan elapsed)
    {
        Latency[stage].Record(elapsed);
        IntervalLatency[stage].Record(elapsed);
    }

    public void FrameProcessed() => Interlocked.Increment(ref _frames);

    public long Samples => Interlocked.Read(ref _samples);
    public void Sampled() => Interlocked.Increment(ref _samples);

    public void Dropped(string stage, long count = 1) => _drops.AddOrUpdate(stage, count, (_, c) => c + count);

    /// <summary>Counts a vehicle of <paramref name="label"/>; a label no model has (e.g. "unknown") is not counted.</summary>
    public void Vehicle(string label)
    {
        lock (_labelsGate)
            if (_vehicles.TryGetValue(label, out var count)) _vehicles[label] = count + 1;
    }

    /// <summary>Drops per stage; decode drops are the capture queue's (oldest pushed out) and frames without a free buffer.</summary>
    public IReadOnlyDictionary<string, long> Drops()
    {
        var capture = Capture;
        return Stages.WithDrops.ToDictionary(s => s, s => _drops.GetValueOrDefault(s)
            + (s == Stages.Decode ? capture.FramesDroppedQueueFull + capture.FramesDroppedNoBuffer : 0));
    }

    public IReadOnlyDictionary<string, long> Vehicles()
    {
        lock (_labelsGate) return _labels.ToDictionary(l => l, l => _vehicles[l]);
    }

    public long TotalDrops => Drops().Values.Sum();
}
