using System.Globalization;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using EdgeMlops.Synthetic.Datasets;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;
using EdgeMlops.Synthetic.Video;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace EdgeMlops.Benchmarks;

/// <summary>
/// Crops per second through <see cref="ClassifierSession"/> (preprocessing from 96x96 BGR crops + run) at batch
/// 1, 8 and 32, next to the limit: a bare ONNX Runtime Run loop of the same model, the same session settings
/// (<see cref="ClassifierSession.CreateSessionOptions"/>) and the same input shape, on input filled once up front.
/// </summary>
public static class ClassifierBenchmark
{
    public static int Run(string[] args)
    {
        var packagePath = args.Length > 0 ? args[0] : "models/vehicle-classifier";
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 2.0;
        var package = ModelPackageVerifier.Verify(packagePath, TrustedKeys.FromDirectory("models/keys"));
        var signature = ClassifierSignature.FromPackage(package);
        using var generator = new CropGenerator();
        var crops = generator.Generate(seed: 4242, [Condition.Parse("day")], perClass: 8).Select(c => c.Image).ToList();
        var round = TimeSpan.FromSeconds(seconds);

        Console.WriteLine($"classifier benchmark: {signature.ModelName} {signature.ModelVersion}, input {signature.Format.Width}x{signature.Format.Height}, " +
                          $"crops 96x96 BGR, CPU, {Environment.ProcessorCount} cores, {seconds:F1} s x 5 rounds per cell (median)");
        Console.WriteLine($"{"batch",5} {"runtime crops/s",16} {"bare ORT crops/s",17} {"ratio",6}");
        foreach (int batch in new[] { 1, 8, 32 })
        {
            var options = new ClassifierRuntimeOptions { ExecutionProviders = ["CPU"], MaxBatchSize = batch };
            using var session = ClassifierSession.Create(package.ModelPath, signature, options, NullLogger.Instance);
            var batchCrops = Enumerable.Range(0, batch).Select(i => crops[i % crops.Count]).ToList();
            double runtime = Measure.MedianRate(() => { session.Classify(batchCrops); return batch; }, round);

            double bare = BareOrtRate(package.ModelPath, signature, options, batch, round);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{batch,5} {runtime,16:F0} {bare,17:F0} {runtime / bare,6:F2}"));
        }
        crops.ForEach(c => c.Dispose());
        return 0;
    }

    /// <summary>Crops per second of a bare ORT Run loop at <paramref name="batch"/>, on input filled once up front.</summary>
    /// <param name="configure">Extra session settings, e.g. execution providers; none means ORT's CPU provider.</param>
    internal static double BareOrtRate(string modelPath, ClassifierSignature signature, ClassifierRuntimeOptions options, int batch, TimeSpan round,
        Action<SessionOptions>? configure = null)
    {
        using var sessionOptions = ClassifierSession.CreateSessionOptions(options);
        configure?.Invoke(sessionOptions);
        using var session = new InferenceSession(modelPath, sessionOptions);
        var f = signature.Format;
        var input = new float[batch * f.ValuesPerImage];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 255) / 255f;
        var output = new float[batch * signature.Labels.Count];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, f.Channels, f.Height, f.Width]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [batch, signature.Labels.Count]);
        using var runOptions = new RunOptions();
        string[] inputNames = [signature.InputTensor], outputNames = [signature.OutputTensor];
        OrtValue[] inputs = [inputValue], outputs = [outputValue];
        return Measure.MedianRate(() => { session.Run(runOptions, inputNames, inputs, outputNames, outputs); return batch; }, round);
    }
}
