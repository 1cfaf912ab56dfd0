using System.Globalization;
using EdgeMlops.Benchmarks.Gpu;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Crops;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeMlops.Benchmarks;

/// <summary>
/// Crops per second through <see cref="ClassifierSession"/> (preprocessing from 96x96 BGR crops + run) at batch
/// 1, 8 and 32, next to the limit: a bare ONNX Runtime Run loop of the same model, the same session settings
/// (<see cref="ClassifierSession.CreateSessionOptions"/>), the same provider and the same input shape, on input
/// filled once up front. <c>--providers cuda,cpu</c> runs on the first of them this machine can provide and says
/// which, and why the others were skipped.
/// </summary>
/// <remarks>usage: bench classifier [PACKAGE] [SECONDS] [--providers cuda,cpu] [--batches 1,8,32]</remarks>
public static class ClassifierBenchmark
{
    public static int Run(string[] args)
    {
        var positional = new List<string>();
        string[] providers = ["CPU"];
        int[] batches = [1, 8, 32];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--providers" && i + 1 < args.Length)
                providers = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries);
            else if (args[i] == "--batches" && i + 1 < args.Length)
                batches = args[++i].Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"bench classifier: unknown option '{args[i]}'\nusage: bench classifier [PACKAGE] [SECONDS] [--providers cuda,cpu] [--batches 1,8,32]");
                return 2;
            }
            else
                positional.Add(args[i]);
        }
        var packagePath = positional.Count > 0 ? positional[0] : "models/vehicle-classifier";
        var seconds = positional.Count > 1 ? double.Parse(positional[1], CultureInfo.InvariantCulture) : 2.0;
        var package = ModelPackageVerifier.Verify(packagePath, TrustedKeys.FromDirectory("models/keys"));
        var signature = ClassifierSignature.FromPackage(package);
        using var generator = new CropGenerator();
        var crops = generator.Generate(seed: 4242, [Condition.Parse("day")], perClass: 8).Select(c => c.Image).ToList();
        var round = TimeSpan.FromSeconds(seconds);
        var options = new ClassifierRuntimeOptions { ExecutionProviders = providers, MaxBatchSize = batches.Max() };
        using var session = ClassifierSession.Create(package.ModelPath, signature, options, NullLogger.Instance);
        var provider = session.Providers.Selected;

        Console.WriteLine($"classifier benchmark: {signature.ModelName} {signature.ModelVersion}, input {signature.Format.Width}x{signature.Format.Height}, " +
                          $"crops 96x96 BGR, {provider} (asked {string.Join(",", providers)}), preprocessing on the {session.Preprocessing}, " +
                          $"{Environment.ProcessorCount} cores, {seconds:F1} s x 5 rounds per cell (median)");
        foreach (var skipped in session.Providers.Skipped)
            Console.WriteLine($"  {skipped.Provider} skipped: {skipped.Reason}");
        Console.WriteLine($"{"batch",5} {"runtime crops/s",16} {"bare ORT crops/s",17} {"ratio",6} {"pipelined crops/s",18} {"ratio",6}");
        using var bare = ClassifierRates.BareSession(package.ModelPath, signature, provider, options.DeviceId, fusedModel: false);
        foreach (int batch in batches)
        {
            var batchCrops = Enumerable.Range(0, batch).Select(i => crops[i % crops.Count]).ToList();
            double runtime = Measure.MedianRate(() => { session.Classify(batchCrops); return batch; }, round);
            double pipelined = ClassifierRates.Pipelined(session, batchCrops, round, 5);
            double bareRate = ClassifierRates.BareRun(bare, signature, false, batch, round, 5);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{batch,5} {runtime,16:F0} {bareRate,17:F0} {runtime / bareRate,6:F2} {pipelined,18:F0} {pipelined / bareRate,6:F2}"));
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
        return ClassifierRates.BareRun(session, signature, false, batch, round, 5);
    }
}
