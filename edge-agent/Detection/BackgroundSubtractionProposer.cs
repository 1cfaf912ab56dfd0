using EdgeMlops.EdgeAgent.Capture;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>
/// Proposes the moving regions of a fixed camera: background subtraction, shadows removed, speckle opened away and
/// holes closed, blobs of at least a minimum area boxed, heavily overlapping boxes merged, all inside an optional
/// region of interest. One instance per camera (it holds that camera's background model); not thread-safe.
/// Working images are kept between frames, so a steady stream allocates no image memory.
/// </summary>
public sealed class BackgroundSubtractionProposer : IRegionProposer
{
    private readonly BackgroundSubtractionOptions _options;
    private readonly BackgroundSubtractor _subtractor;
    private readonly double _shadowValue;
    private readonly Point[]? _regionOfInterest;
    private readonly Mat _resized = new();
    private readonly Mat _mask = new();
    private readonly Mat _kernel;
    private readonly Mat _labels = new();
    private readonly Mat _stats = new();
    private readonly Mat _centroids = new();
    private readonly Mat _regionMask = new();
    private Size _regionMaskSize;
    private long _frames;

    /// <param name="regionOfInterest">Polygon in frame pixels outside which nothing is proposed; null or empty for the whole frame.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public BackgroundSubtractionProposer(BackgroundSubtractionOptions options, IReadOnlyList<Point>? regionOfInterest = null)
    {
        options.Validate();
        if (regionOfInterest is { Count: > 0 and < 3 })
            throw new ArgumentException($"A region of interest needs at least three corners; got {regionOfInterest.Count}.", nameof(regionOfInterest));
        _options = options;
        _regionOfInterest = regionOfInterest is { Count: > 0 } ? [.. regionOfInterest] : null;
        _kernel = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(options.KernelSize, options.KernelSize));
        if (options.Model == BackgroundModel.Knn)
        {
            var knn = BackgroundSubtractorKNN.Create(options.History, options.KnnDistanceThreshold, options.DetectShadows);
            _shadowValue = knn.ShadowValue;
            _subtractor = knn;
        }
        else
        {
            var mog2 = BackgroundSubtractorMOG2.Create(options.History, options.Mog2VarianceThreshold, options.DetectShadows);
            _shadowValue = mog2.ShadowValue;
            _subtractor = mog2;
        }
    }

    /// <summary>True while the background model is still learning and nothing is proposed.</summary>
    public bool IsWarmingUp => _frames < _options.WarmUpFrames;

    /// <summary>
    /// Feeds <paramref name="frame"/> (BGR) to the background model and replaces the content of
    /// <paramref name="proposals"/> with the boxes of its moving regions, in frame pixels.
    /// </summary>
    public void Propose(Mat frame, List<Rect> proposals)
    {
        if (frame.Empty()) throw new ArgumentException("The frame is empty.", nameof(frame));
        proposals.Clear();

        double scale = _options.ProcessingWidth > 0 && frame.Width > _options.ProcessingWidth
            ? (double)_options.ProcessingWidth / frame.Width
            : 1;
        var input = frame;
        if (scale < 1)
        {
            var size = new Size(_options.ProcessingWidth, Math.Max(1, (int)Math.Round(frame.Height * scale)));
            Cv2.Resize(frame, _resized, size, interpolation: InterpolationFlags.Area);
            input = _resized;
        }

        // The model learns from every frame, warm-up included.
        _subtractor.Apply(input, _mask, _options.LearningRate);
        if (++_frames <= _options.WarmUpFrames) return;

        // Foreground is 255, shadow is the shadow value (127): keeping only what is above it drops the shadows.
        Cv2.Threshold(_mask, _mask, _shadowValue, 255, ThresholdTypes.Binary);
        if (_options.OpenIterations > 0)
            Cv2.MorphologyEx(_mask, _mask, MorphTypes.Open, _kernel, iterations: _options.OpenIterations);
        if (_options.CloseIterations > 0)
            Cv2.MorphologyEx(_mask, _mask, MorphTypes.Close, _kernel, iterations: _options.CloseIterations);
        // Applied after the morphology, so that closing cannot grow a blob back over the region's edge.
        if (_regionOfInterest is not null)
            Cv2.BitwiseAnd(_mask, RegionMask(_mask.Size(), scale), _mask);

        AddBlobs(proposals, scale, frame.Size());
        BoxMerger.MergeOverlapping(proposals, _options.MergeOverlap);
    }

    void IRegionProposer.Propose(CameraFrame frame, List<Rect> boxes) => Propose(frame.Image, boxes);

    public void Dispose()
    {
        _subtractor.Dispose();
        _resized.Dispose();
        _mask.Dispose();
        _kernel.Dispose();
        _labels.Dispose();
        _stats.Dispose();
        _centroids.Dispose();
        _regionMask.Dispose();
    }

    /// <summary>
    /// Boxes of the connected foreground blobs. Connected-component statistics give the same boxes as external
    /// contours without allocating a point array per blob per frame.
    /// </summary>
    private void AddBlobs(List<Rect> proposals, double scale, Size frameSize)
    {
        int count = Cv2.ConnectedComponentsWithStats(_mask, _labels, _stats, _centroids, PixelConnectivity.Connectivity8);
        double minArea = _options.MinArea * scale * scale;
        var frameRect = new Rect(0, 0, frameSize.Width, frameSize.Height);
        // Label 0 is the background.
        for (int label = 1; label < count; label++)
        {
            if (_stats.At<int>(label, (int)ConnectedComponentsTypes.Area) < minArea) continue;
            int x = _stats.At<int>(label, (int)ConnectedComponentsTypes.Left);
            int y = _stats.At<int>(label, (int)ConnectedComponentsTypes.Top);
            int width = _stats.At<int>(label, (int)ConnectedComponentsTypes.Width);
            int height = _stats.At<int>(label, (int)ConnectedComponentsTypes.Height);
            var box = new Rect(
                (int)Math.Floor(x / scale), (int)Math.Floor(y / scale),
                (int)Math.Ceiling(width / scale), (int)Math.Ceiling(height / scale));
            proposals.Add(box & frameRect);
        }
    }

    private Mat RegionMask(Size size, double scale)
    {
        if (size == _regionMaskSize) return _regionMask;
        _regionMask.Create(size, MatType.CV_8UC1);
        _regionMask.SetTo(Scalar.Black);
        var polygon = _regionOfInterest!.Select(p => new Point((int)Math.Round(p.X * scale), (int)Math.Round(p.Y * scale)));
        Cv2.FillPoly(_regionMask, [polygon], Scalar.White);
        _regionMaskSize = size;
        return _regionMask;
    }
}
