using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Telemetry;
using EdgeMlops.EdgeAgent.Tracking;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Sampling;

/// <summary>
/// Keeps some of one camera's vehicles as review samples for operators (and later retraining), each saying why
/// (<see cref="SampleReasons"/>, the first that applies): every vehicle under the model's certainty threshold
/// (always, whatever the bounds), the hard ones (low confidence, high entropy, frames voting for different labels)
/// and a random share of the rest, within the camera's hourly bounds. While a track runs it keeps the crop the
/// classifier was least sure of and the summed probabilities; a crop is encoded as JPEG only for a vehicle that may be kept.
/// </summary>
public sealed class ReviewSampler : IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly string _deviceId;
    private readonly string _cameraId;
    private readonly SampleOptions _options;
    private readonly TelemetryQueue _telemetry;
    private readonly SampleCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _sampling;
    private readonly PerTrack<TrackEvidence> _evidence;
    private readonly SampleBudget _budget;
    // What hard examples may use: the bounds less the share kept for random samples (SampleOptions.RandomReservedShare).
    private readonly SampleBudget _hardBudget;
    private DateTimeOffset? _lastBoundWarning;
    private long _droppedSinceWarning;

    public ReviewSampler(string deviceId, string cameraId, SampleOptions options, TrackerOptions tracking, TelemetryQueue telemetry,
        SampleCounters counters, TimeProvider time, ILogger logger)
    {
        (_deviceId, _cameraId, _options, _telemetry, _counters, _time, _logger) = (deviceId, cameraId, options, telemetry, counters, time, logger);
        // Seeded per camera so a rerun samples the same vehicles (string.GetHashCode is randomised per process).
        _sampling = new Random(cameraId.Aggregate(0x5eed, (hash, c) => unchecked(hash * 31 + c)));
        _evidence = new PerTrack<TrackEvidence>(tracking.MaxMissedFrames, e => e.Dispose());
        _budget = new SampleBudget(options.MaxPerCameraPerHour, options.MaxBytesPerCameraPerHour, Hour);
        var hard = 1 - options.RandomReservedShare;
        _hardBudget = new SampleBudget((int)Math.Floor(options.MaxPerCameraPerHour * hard), (long)Math.Floor(options.MaxBytesPerCameraPerHour * hard), Hour);
    }

    /// <summary>Remembers what a classified frame shows of each track.</summary>
    public void Observe(FrameCrops frame, IReadOnlyList<long> trackIds)
    {
        _evidence.NextFrame();
        if (frame.Boxes.Count == 0) return;
        var model = frame.Model!;
        double temperature = model.Package.Manifest.Monitoring?.Temperature ?? 1;
        for (int i = 0; i < frame.Boxes.Count; i++)
            _evidence.Seen(trackIds[i]).Add(model.Labels, frame.Probabilities[i], temperature, frame.Crops[i], frame.Truth is not null);
    }

    /// <summary>
    /// Takes what was kept of the ended track and judges it against the certainty threshold of the model that
    /// classified it last (its calibrated confidence: the mean calibrated probability of the voted label).
    /// </summary>
    public TrackReview Review(TrackedVehicle vehicle)
    {
        var evidence = _evidence.Take(vehicle.Track.TrackId);
        var calibrated = vehicle.Track.Label is { } label ? evidence?.CalibratedConfidence(label) : null;
        bool? needsReview = vehicle.Model.Package.Manifest.Monitoring?.CertaintyThreshold is { } threshold
            // A vehicle never classified has nothing the box could act on.
            ? (calibrated ?? 0) < threshold
            : null;
        if (needsReview == true) _counters.NeedsReview();
        return new TrackReview(vehicle, evidence, calibrated, needsReview);
    }

    /// <summary>Decides whether the reviewed vehicle is kept, and stores its sample when it is; true when kept.</summary>
    public async ValueTask<bool> SampleAsync(TrackReview review, VehicleEvent vehicleEvent)
    {
        if (review.Evidence is not { HardestCrop: { } crop, Labels: not null } evidence) return false;
        var reason = ReasonFor(review, vehicleEvent, evidence);
        if (reason is null) return false;

        var now = _time.GetUtcNow();
        bool always = reason == SampleReasons.NeedsReview;
        bool random = reason == SampleReasons.Random;
        if (!always && !Allows(random, now, 0))
        {
            Drop(reason, now);
            return false;
        }
        var jpeg = crop.ImEncode(".jpg", [(int)ImwriteFlags.JpegQuality, _options.JpegQuality]);
        if (!always && !Allows(random, now, jpeg.Length))
        {
            Drop(reason, now);
            return false;
        }
        _budget.Spend(now, jpeg.Length);
        if (!random) _hardBudget.Spend(now, jpeg.Length);

        var vehicle = review.Vehicle;
        var track = vehicle.Track;
        var sample = new ReviewSampleInfo(_deviceId, _cameraId, $"{_cameraId}-{track.TrackId}-{track.FirstSeen.ToUnixTimeMilliseconds()}",
            track.TrackId, track.LastSeen, vehicle.Model.Name, vehicle.Model.Version, vehicleEvent.Label, vehicleEvent.Confidence,
            evidence.MeanProbabilities().ToDictionary(p => p.Key, p => Math.Round(p.Value, 4), StringComparer.Ordinal),
            reason,
            // A source with ground truth whose vehicles this track matched none of: the box proposed something that is no vehicle.
            vehicle.TruthLabel ?? (evidence.SawTruth ? ReviewLabels.NotAVehicle : null));
        await _telemetry.WriteAsync(sample, jpeg);
        _counters.Taken(reason);
        return true;
    }

    private bool Allows(bool random, DateTimeOffset now, long bytes) =>
        _budget.Allows(now, bytes) && (random || _hardBudget.Allows(now, bytes));

    /// <summary>The first reason in <see cref="SampleReasons.All"/> that applies; the random draw only for vehicles no other reason took.</summary>
    private string? ReasonFor(TrackReview review, VehicleEvent vehicleEvent, TrackEvidence evidence) =>
        review.NeedsReview == true ? SampleReasons.NeedsReview
        : vehicleEvent.Confidence < _options.LowConfidenceThreshold ? SampleReasons.LowConfidence
        : evidence.NormalisedEntropy() > _options.HighEntropyThreshold ? SampleReasons.HighEntropy
        : evidence.WinningVoteShare() < _options.MinVoteAgreement ? SampleReasons.VoteDisagreement
        : _sampling.NextDouble() < _options.RandomShare ? SampleReasons.Random
        : null;

    private void Drop(string reason, DateTimeOffset now)
    {
        _counters.Dropped(reason);
        _droppedSinceWarning++;
        if (_lastBoundWarning is { } last && now - last < Hour) return;
        _logger.LogWarning(
            "Camera {CameraId} reached its review sample bound ({Samples} samples, {Bytes} bytes in the last hour; Samples:MaxPerCameraPerHour {MaxSamples}, Samples:MaxBytesPerCameraPerHour {MaxBytes}): " +
            "{Dropped} sample(s) dropped since the last warning, this one {Reason}; needs-review samples still go. Next warning in an hour at the earliest",
            _cameraId, _budget.Samples, _budget.Bytes, _options.MaxPerCameraPerHour, _options.MaxBytesPerCameraPerHour, _droppedSinceWarning, reason);
        _lastBoundWarning = now;
        _droppedSinceWarning = 0;
    }

    public void Dispose() => _evidence.Clear();
}
