using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// Keeps some of one camera's vehicles as review samples for operators (and later retraining): every vehicle the
/// classifier was unsure of, and a random share of the rest. While a track runs it keeps the crop the classifier was
/// least sure of and the summed probabilities; the crop is encoded as JPEG only for a vehicle that is kept.
/// </summary>
public sealed class ReviewSampler : IDisposable
{
    private readonly string _deviceId;
    private readonly string _cameraId;
    private readonly SampleOptions _options;
    private readonly TelemetryQueue _telemetry;
    private readonly Random _sampling;
    private readonly PerTrack<Evidence> _evidence;

    public ReviewSampler(string deviceId, string cameraId, SampleOptions options, TrackerOptions tracking, TelemetryQueue telemetry)
    {
        (_deviceId, _cameraId, _options, _telemetry) = (deviceId, cameraId, options, telemetry);
        // Seeded per camera so a rerun samples the same vehicles (string.GetHashCode is randomised per process).
        _sampling = new Random(cameraId.Aggregate(0x5eed, (hash, c) => unchecked(hash * 31 + c)));
        _evidence = new PerTrack<Evidence>(tracking.MaxMissedFrames, e => e.Dispose());
    }

    /// <summary>What is kept per tracked vehicle: the hardest crop and the probabilities summed over every label.</summary>
    private sealed class Evidence : IDisposable
    {
        public double LowestConfidence = double.MaxValue;
        public Mat? HardestCrop;

        /// <summary>The labels <see cref="ProbabilitySum"/> is in; a track classified by a newer model starts its sums over.</summary>
        public IReadOnlyList<string>? Labels;
        public double[]? ProbabilitySum;
        public int Observations;

        public void Dispose() => HardestCrop?.Dispose();
    }

    /// <summary>Remembers what a classified frame shows of each track.</summary>
    public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds)
    {
        _evidence.NextFrame();
        if (frame.Boxes.Count == 0) return;
        var labels = frame.Model!.Labels;
        for (int i = 0; i < frame.Boxes.Count; i++)
        {
            var evidence = _evidence.Seen(trackIds[i]);
            var probabilities = frame.Probabilities[i];
            if (!ReferenceEquals(evidence.Labels, labels))
            {
                evidence.Labels = labels;
                evidence.ProbabilitySum = new double[probabilities.Length];
                evidence.Observations = 0;
            }
            var sum = evidence.ProbabilitySum!;
            for (int p = 0; p < probabilities.Length; p++) sum[p] += probabilities[p];
            evidence.Observations++;
            double confidence = probabilities.Max();
            if (confidence < evidence.LowestConfidence)
            {
                evidence.LowestConfidence = confidence;
                frame.Crops[i].CopyTo(evidence.HardestCrop ??= new Mat());
            }
        }
    }

    /// <summary>Decides whether the vehicle of <paramref name="vehicleEvent"/> is kept, and stores its sample when it is; true when kept.</summary>
    public async ValueTask<bool> SampleAsync(TrackedVehicle vehicle, VehicleEvent vehicleEvent)
    {
        using var evidence = _evidence.Take(vehicle.Track.TrackId);
        var reason = vehicleEvent.Confidence < _options.LowConfidenceThreshold ? SampleReasons.LowConfidence
            : _sampling.NextDouble() < _options.RandomShare ? SampleReasons.Random
            : null;
        if (reason is null || evidence is not { HardestCrop: { } crop, ProbabilitySum: { } sum, Labels: { } labels }) return false;

        var track = vehicle.Track;
        var jpeg = crop.ImEncode(".jpg", [(int)ImwriteFlags.JpegQuality, _options.JpegQuality]);
        var sample = new ReviewSampleInfo(_deviceId, _cameraId, $"{_cameraId}-{track.TrackId}-{track.FirstSeen.ToUnixTimeMilliseconds()}",
            track.TrackId, track.LastSeen, vehicle.Model.Name, vehicle.Model.Version, vehicleEvent.Label, vehicleEvent.Confidence,
            labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => Math.Round(sum[p.i] / evidence.Observations, 4)),
            reason, vehicle.TruthLabel);
        await _telemetry.WriteAsync(sample, jpeg);
        return true;
    }

    public void Dispose() => _evidence.Clear();
}
