using EdgeMlops.Contracts;
using EdgeMlops.Contracts.Text;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// The precision the hub measured from operators' reviews of this box's samples: the desired property
/// <c>"reviewedPrecision"</c> of the newest desired state, read when asked (the status line, the reported state).
/// A malformed property is warned about once per revision and ignored: the last valid figures stay; a state without
/// the property clears them. Thread-safe.
/// </summary>
public sealed class ReviewedPrecisionBook(DesiredStateStore desired, ILogger<ReviewedPrecisionBook> logger)
{
    private readonly Lock _lock = new();
    private long _readRevision = -1;
    private IReadOnlyList<CameraReviewedPrecision>? _cameras;

    /// <summary>The figures per camera and model version; null until the hub sent any.</summary>
    public IReadOnlyList<CameraReviewedPrecision>? Cameras
    {
        get
        {
            var state = desired.Current;
            lock (_lock)
            {
                if (state is not null && state.Revision != _readRevision)
                {
                    _readRevision = state.Revision;
                    if (ReviewedPrecision.TryRead(state, out var value, out var problem))
                        _cameras = value.Cameras;
                    else if (problem is null)
                        _cameras = null; // the hub no longer sends figures
                    else
                        logger.LogWarning("Desired state revision {Revision}: property {Property} ignored, keeping the figures held before: {Problem}",
                            state.Revision, ReviewedPrecision.PropertyName, LogText.Escape(problem));
                }
                return _cameras;
            }
        }
    }

    /// <summary>The newest figure for each camera (the latest computed when several model versions were reviewed).</summary>
    public IReadOnlyDictionary<string, CameraReviewedPrecision> ByCamera() =>
        (Cameras ?? []).GroupBy(c => c.CameraId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(c => c.At)!, StringComparer.Ordinal);
}
