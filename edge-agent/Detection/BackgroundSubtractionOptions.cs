using EdgeMlops.EdgeAgent.Hosting;

namespace EdgeMlops.EdgeAgent.Detection;

/// <summary>How moving regions are proposed on fixed cameras. Bound from configuration section <c>Proposals</c>.</summary>
public sealed class BackgroundSubtractionOptions : IOptionsWithProblems
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

    public IReadOnlyList<string> FindProblems() => [.. Problems().Select(p => p.Message)];

    /// <summary>For the components built from these options outside the host (tests, benchmarks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        foreach (var (name, value, message) in Problems())
            throw new ArgumentOutOfRangeException(name, value, message);
    }

    private IEnumerable<(string Name, object Value, string Message)> Problems()
    {
        if (!(History >= 1)) yield return Problem(nameof(History), History, "must be at least 1");
        if (!(Mog2VarianceThreshold > 0)) yield return Problem(nameof(Mog2VarianceThreshold), Mog2VarianceThreshold, "must be positive");
        if (!(KnnDistanceThreshold > 0)) yield return Problem(nameof(KnnDistanceThreshold), KnnDistanceThreshold, "must be positive");
        if (!(LearningRate is -1 or (>= 0 and <= 1))) yield return Problem(nameof(LearningRate), LearningRate, "must be -1 (automatic) or from 0 to 1");
        if (!(WarmUpFrames >= 0)) yield return Problem(nameof(WarmUpFrames), WarmUpFrames, "must not be negative");
        if (!(MinArea >= 1)) yield return Problem(nameof(MinArea), MinArea, "must be at least 1 pixel");
        if (!(KernelSize >= 1 && KernelSize % 2 == 1)) yield return Problem(nameof(KernelSize), KernelSize, "must be a positive odd number");
        if (!(OpenIterations >= 0)) yield return Problem(nameof(OpenIterations), OpenIterations, "must not be negative");
        if (!(CloseIterations >= 0)) yield return Problem(nameof(CloseIterations), CloseIterations, "must not be negative");
        if (!(MergeOverlap is > 0 and <= 1)) yield return Problem(nameof(MergeOverlap), MergeOverlap, "must be greater than 0 and at most 1");
        if (!(ProcessingWidth == 0 || ProcessingWidth >= 32)) yield return Problem(nameof(ProcessingWidth), ProcessingWidth, "must be 0 (full size) or at least 32");
    }

    private static (string, object, string) Problem(string name, object value, string rule) => (name, value, $"{SectionName}:{name} {rule}; got {value}.");
}
