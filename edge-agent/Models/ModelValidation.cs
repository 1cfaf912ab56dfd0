using System.Diagnostics;
using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>What validation measured on the box.</summary>
public sealed record ValidationResult(double? CanaryMacroPrecision, double BatchLatencyMs);

/// <summary>
/// Checks a loaded model on this box before it may serve: its output has one probability per label, its canary set
/// reaches the manifest's gate, and a full batch classifies within <see cref="ModelOptions.LatencyBudgetMs"/>.
/// Loading itself (with the configured execution providers, so a TensorRT engine is built here) is the loader's.
/// </summary>
public class ModelValidation(ModelOptions options)
{
    // Batches timed after one warm-up; the median is compared with the budget, so one hiccup does not fail a version.
    private const int TimedBatches = 3;

    /// <exception cref="DeploymentFailedException">A check failed; the message names it and the package folder.</exception>
    public virtual ValidationResult Validate(LoadedModel model)
    {
        try
        {
            return Check(model);
        }
        catch (OnnxRuntimeException e)
        {
            // A runtime error of the new session (a kernel ONNX Runtime cannot run here, CUDA) refuses the version.
            throw new DeploymentFailedException($"{model.Package.Directory}: ONNX Runtime failed running the model: {e.Message}", e);
        }
    }

    private ValidationResult Check(LoadedModel model)
    {
        var session = model.Session;
        var folder = model.Package.Directory;
        var manifestLabels = model.Package.Manifest.Labels.Count;
        using var batch = Batch.Of(session.Signature, session.MaxBatchSize);
        var probabilities = session.Classify(batch.Crops).Length;
        if (probabilities != batch.Crops.Count * manifestLabels)
            throw new DeploymentFailedException(
                $"{folder}: the model gives {probabilities / Math.Max(1, batch.Crops.Count)} outputs per crop for {manifestLabels} labels");

        CanaryOutcome canary;
        try
        {
            canary = CanarySetCheck.Run(model.Package, session);
        }
        catch (InvalidDataException e)
        {
            throw new DeploymentFailedException($"canary check: {e.Message}", e);
        }
        if (!canary.Passed)
            throw new DeploymentFailedException($"canary check: {canary.Problem}");

        var latency = MeasureBatchLatencyMs(session, batch.Crops);
        if (options.LatencyBudgetMs is { } budget && latency > budget)
            throw new DeploymentFailedException(
                $"{folder}: a batch of {batch.Crops.Count} takes {latency:0.0} ms on this box, over the budget of {budget:0.0} ms ({ModelOptions.SectionName}:LatencyBudgetMs)");
        return new ValidationResult(model.Package.CanarySetDirectory is null ? null : canary.Metrics.MacroPrecision, latency);
    }

    /// <summary>Median latency of a few batches of <paramref name="crops"/>, in milliseconds.</summary>
    public static double MeasureBatchLatencyMs(ClassifierSession session, IReadOnlyList<Mat> crops)
    {
        var timings = new double[TimedBatches];
        for (int i = 0; i < TimedBatches; i++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = session.Classify(crops).Length;
            timings[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(timings);
        return timings[TimedBatches / 2];
    }

    /// <summary>A full batch of mid-grey crops at the model's input size.</summary>
    public sealed class Batch : IDisposable
    {
        private Batch(List<Mat> crops) => Crops = crops;

        public IReadOnlyList<Mat> Crops { get; }

        public static Batch Of(ClassifierSignature signature, int size) =>
            new(Enumerable.Range(0, size).Select(_ => new Mat(signature.Format.Height, signature.Format.Width, MatType.CV_8UC3, Scalar.All(128))).ToList());

        public void Dispose()
        {
            foreach (var crop in Crops) crop.Dispose();
        }
    }
}
