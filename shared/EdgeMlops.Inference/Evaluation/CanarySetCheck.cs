using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using OpenCvSharp;

namespace EdgeMlops.Inference.Evaluation;

/// <summary>The outcome of running a package's canary set: the metrics, and whether they reach the manifest's gate.</summary>
/// <param name="Metrics">Scores on the canary set.</param>
/// <param name="Passed">True when there is no gate or the macro precision reaches it.</param>
/// <param name="Problem">Why it did not pass (names the gate, the score and the package folder); null when it passed.</param>
public sealed record CanaryOutcome(EvaluationMetrics Metrics, bool Passed, string? Problem);

/// <summary>
/// Runs a verified package's canary set (<c>canary/&lt;label&gt;/*</c>) through an open session and compares the
/// macro precision with <see cref="ModelManifest.Gate"/>. The hub runs it at registration, every box before it lets
/// a new version serve, so a model that cannot tell the canary images apart never reaches a camera.
/// </summary>
public static class CanarySetCheck
{
    /// <summary>The evaluation set name written into the metrics.</summary>
    public const string SetName = "canary";

    /// <exception cref="InvalidDataException">The package has a gate but no canary set, or a canary image cannot be decoded.</exception>
    public static CanaryOutcome Run(VerifiedModelPackage package, ClassifierSession session)
    {
        var gate = package.Manifest.Gate;
        if (package.CanarySetDirectory is not { } directory)
        {
            if (gate is not null)
                throw new InvalidDataException($"{package.Directory}: the manifest has a gate but the package has no canary set");
            var empty = ClassifierEvaluator.ToMetrics(new ConfusionMatrix(session.Signature.Labels), SetName, null);
            return new CanaryOutcome(empty, true, null);
        }

        var crops = new List<Mat>();
        var truth = new List<int>();
        try
        {
            var labels = session.Signature.Labels;
            for (var index = 0; index < labels.Count; index++)
            {
                var folder = Path.Combine(directory, labels[index]);
                if (!Directory.Exists(folder)) continue;
                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    var image = Cv2.ImRead(file, ImreadModes.Color);
                    if (image.Empty())
                    {
                        image.Dispose();
                        throw new InvalidDataException($"{file}: canary image cannot be decoded");
                    }
                    crops.Add(image);
                    truth.Add(index);
                }
            }
            var metrics = ClassifierEvaluator.Evaluate(session, crops, truth, SetName, null);
            if (gate is null || metrics.MacroPrecision >= gate.MinMacroPrecision)
                return new CanaryOutcome(metrics, true, null);
            return new CanaryOutcome(metrics, false,
                $"{directory}: canary macro precision {metrics.MacroPrecision:0.####} on {metrics.Samples} images is under the manifest's gate {gate.MinMacroPrecision:0.####}");
        }
        finally
        {
            foreach (var crop in crops) crop.Dispose();
        }
    }
}
