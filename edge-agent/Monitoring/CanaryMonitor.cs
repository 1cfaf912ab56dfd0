using System.Threading.Channels;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Inference;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Inference.Evaluation;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// Runs the serving model's canary set (the package's <c>canary/&lt;label&gt;/*</c> images) whenever a model is
/// published and every <see cref="MonitoringOptions.CanaryInterval"/>, and writes a <see cref="PrecisionSources.Canary"/>
/// report. The images go through the <see cref="ClassificationBatcher"/> like a camera's crops: the session is not
/// thread-safe, and this is the path (execution provider, batch sizes) the cameras' figures come from, so a numeric
/// problem of the provider shows here. A result under the manifest's gate is logged as an error and counted; the box
/// keeps serving (rolling back is the model manager's call, made at load).
/// </summary>
public sealed class CanaryMonitor(IOptions<MonitoringOptions> options, IOptions<AgentOptions> agent, ModelSlot slot, ClassificationBatcher batcher,
    PrecisionReportWriter reports, PrecisionMetrics metrics, TimeProvider time, ILogger<CanaryMonitor> logger) : IHostedService
{
    /// <summary>The camera id canary frames carry through the batcher, which no configured camera can have (ids are checked).</summary>
    public const string CanaryCameraId = "(canary)";

    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken token)
    {
        long scoredGeneration = -1;
        var nextRun = time.GetUtcNow();
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (!slot.HasModel)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, token);
                    continue;
                }
                var model = slot.Current;
                if (model.Generation != scoredGeneration || time.GetUtcNow() >= nextRun)
                {
                    scoredGeneration = model.Generation;
                    nextRun = time.GetUtcNow() + options.Value.CanaryInterval;
                    await RunGuardedAsync(model, token);
                }
                var wait = nextRun - time.GetUtcNow();
                if (wait > TimeSpan.Zero) await slot.WaitForReplacementAsync(model, wait, time, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
            // The pipeline stopped taking crops: the agent is stopping.
        }
    }

    /// <summary>One run; a failure of it (an unreadable canary folder) is logged, and the next run is tried at its time.</summary>
    private async Task RunGuardedAsync(LoadedModel model, CancellationToken token)
    {
        try
        {
            await RunOnceAsync(model, token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // Whatever failed, the box keeps serving and the next run is tried: a canary loop that died would go unheard.
            logger.LogError(e, "Canary set of model {Model} {Version} could not be run: {Reason}; trying again in {Interval}",
                model.Name, model.Version, e.Message, options.Value.CanaryInterval);
        }
    }

    /// <summary>Classifies the canary set of <paramref name="model"/> through the batcher and writes its report; false when there was nothing to score.</summary>
    internal async Task<bool> RunOnceAsync(LoadedModel model, CancellationToken token)
    {
        if (model.Package.CanarySetDirectory is not { } directory) return false;
        var (crops, truth) = Load(directory, model.Labels);
        if (crops.Count == 0)
        {
            foreach (var crop in crops) crop.Dispose();
            return false;
        }
        var started = time.GetUtcNow();
        var results = Channel.CreateUnbounded<FrameCrops>();
        var frame = new FrameCrops(CanaryCameraId, 0, started, started, [.. crops.Select(c => new Rect(0, 0, c.Width, c.Height))], crops, null, results.Writer);
        try
        {
            await batcher.Input.WriteAsync(frame, token);
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        using var classified = await results.Reader.ReadAsync(token);
        var scoredBy = classified.Model ?? model;
        var labels = scoredBy.Labels;
        var counts = new Dictionary<string, (long Predicted, long Correct)>(StringComparer.Ordinal);
        var matrix = new ConfusionMatrix(labels);
        for (int i = 0; i < truth.Count; i++)
        {
            int predicted = ConfusionMatrix.ArgMax(classified.Probabilities[i]);
            var label = labels[predicted];
            var (p, c) = counts.GetValueOrDefault(label);
            counts[label] = (p + 1, c + (truth[i] == label ? 1 : 0));
            if (labels.ToList().IndexOf(truth[i]) is var t and >= 0) matrix.Add(t, predicted);
        }
        var report = new PrecisionReport(agent.Value.DeviceId, null, scoredBy.Name, scoredBy.Version, PrecisionSources.Canary, started,
            time.GetUtcNow() is var ended && ended > started ? ended : started,
            counts.ToDictionary(c => c.Key, c => new ClassPrecision(c.Value.Predicted, c.Value.Correct), StringComparer.Ordinal));
        await reports.WriteAsync(report, token);
        if (scoredBy.Package.Manifest.Gate is { } gate && matrix.MacroPrecision < gate.MinMacroPrecision)
        {
            metrics.CanaryFailedGate();
            logger.LogError(
                "Canary set of model {Model} {Version} scored macro precision {MacroPrecision:0.####} on {Images} images, under the manifest's gate {Gate:0.####}: the serving model or its execution provider misclassifies; the box keeps serving",
                scoredBy.Name, scoredBy.Version, matrix.MacroPrecision, truth.Count, gate.MinMacroPrecision);
        }
        return true;
    }

    /// <summary>The canary images of the model's labels, each with its label (the folder it is in).</summary>
    private (List<Mat> Crops, List<string> Truth) Load(string directory, IReadOnlyList<string> labels)
    {
        var crops = new List<Mat>();
        var truth = new List<string>();
        foreach (var label in labels)
        {
            var folder = Path.Combine(directory, label);
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                var image = Cv2.ImRead(file, ImreadModes.Color);
                if (image.Empty())
                {
                    image.Dispose();
                    logger.LogWarning("Canary image {File} cannot be decoded; it is left out", file);
                    continue;
                }
                crops.Add(image);
                truth.Add(label);
            }
        }
        return (crops, truth);
    }
}
