namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>How moving regions are proposed on fixed cameras. Bound from configuration section <c>Proposals</c>.</summary>
public sealed class BackgroundSubtractionOptions
{
    public const string SectionName = "Proposals";

    public BackgroundModel Model { get; set; } = BackgroundModel.Mog2;

    /// <summary>Frames the background model remembers.</summary>
    public int History { get; set; } = 500;

    /// <summary>MOG2's squared Mahalanobis distance for a pixel to count as foreground.</summary>
    public double Mog2VarianceThreshold { get; set; } = 16;

    /// <summary>KNN's squared distance for a pixel to count as foreground.</summary>
    public double KnnDistanceThreshold { get; set; } = 400;

    /// <summary>Tell shadows apart from objects, so a vehicle's shadow does not widen its box.</summary>
    public bool DetectShadows { get; set; } = true;

    /// <summary>How fast the background adapts (0..1); -1 lets OpenCV derive it from <see cref="History"/>.</summary>
    public double LearningRate { get; set; } = -1;

    /// <summary>Frames the model learns from before anything is proposed; until then every pixel looks new.</summary>
    public int WarmUpFrames { get; set; } = 25;

    /// <summary>Smallest blob proposed, in foreground pixels of the full-size frame.</summary>
    public int MinArea { get; set; } = 150;

    /// <summary>Side of the elliptic kernel of the opening (removes speckle) and closing (fills holes in a vehicle).</summary>
    public int KernelSize { get; set; } = 5;

    public int OpenIterations { get; set; } = 1;
    public int CloseIterations { get; set; } = 2;

    /// <summary>Boxes overlapping by at least this share of the smaller one are merged into one (parts of one vehicle).</summary>
    public double MergeOverlap { get; set; } = 0.5;

    /// <summary>Frames wider than this are shrunk before modelling, and boxes scaled back; 0 keeps the full size.</summary>
    public int ProcessingWidth { get; set; } = 640;

    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        Check(History >= 1, nameof(History), History, "must be at least 1");
        Check(Mog2VarianceThreshold > 0, nameof(Mog2VarianceThreshold), Mog2VarianceThreshold, "must be positive");
        Check(KnnDistanceThreshold > 0, nameof(KnnDistanceThreshold), KnnDistanceThreshold, "must be positive");
        Check(LearningRate is -1 or (>= 0 and <= 1), nameof(LearningRate), LearningRate, "must be -1 (automatic) or from 0 to 1");
        Check(WarmUpFrames >= 0, nameof(WarmUpFrames), WarmUpFrames, "must not be negative");
        Check(MinArea >= 1, nameof(MinArea), MinArea, "must be at least 1 pixel");
        Check(KernelSize >= 1 && KernelSize % 2 == 1, nameof(KernelSize), KernelSize, "must be a positive odd number");
        Check(OpenIterations >= 0, nameof(OpenIterations), OpenIterations, "must not be negative");
        Check(CloseIterations >= 0, nameof(CloseIterations), CloseIterations, "must not be negative");
        Check(MergeOverlap is > 0 and <= 1, nameof(MergeOverlap), MergeOverlap, "must be greater than 0 and at most 1");
        Check(ProcessingWidth == 0 || ProcessingWidth >= 32, nameof(ProcessingWidth), ProcessingWidth, "must be 0 (full size) or at least 32");
    }

    private static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{SectionName}:{name} {rule}; got {value}.");
    }
}
