using System.Diagnostics;
using EdgeMlops.Inference.Preprocessing;
using EdgeMlops.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

namespace EdgeMlops.Benchmarks.Gpu;

/// <summary>
/// Crops per second of the classifier runtime and of bare ONNX Runtime Run loops under the same session settings,
/// for the classifier and gpu suites. Kept free of the agent and hub so the GPU check can compile it alone.
/// </summary>
public static class ClassifierRates
{
    /// <summary>Median rate of <paramref name="operation"/> (items per call) over rounds of <paramref name="round"/>, after a warm-up.</summary>
    public static double Median(Func<int> operation, TimeSpan round, int rounds, int warmup = 10)
    {
        for (int i = 0; i < warmup; i++) operation();
        var rates = new List<double>(rounds);
        for (int r = 0; r < rounds; r++)
        {
            long items = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < round) items += operation();
            rates.Add(items / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }

    /// <summary><see cref="ClassifierSession.Classify"/> on the same batch, one call after the other.</summary>
    public static double Serial(ClassifierSession session, IReadOnlyList<Mat> batch, TimeSpan round, int rounds) =>
        Median(() => { session.Classify(batch); return batch.Count; }, round, rounds);

    /// <summary><see cref="ClassifierSession.ClassifyPipelined"/>: batch k+1 prepared while k runs, for a round at a time.</summary>
    public static double Pipelined(ClassifierSession session, IReadOnlyList<Mat> batch, TimeSpan round, int rounds)
    {
        IEnumerable<IReadOnlyList<Mat>> For(TimeSpan time)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < time) yield return batch;
        }
        session.ClassifyPipelined(For(TimeSpan.FromMilliseconds(50)), (_, _, _) => { });
        var rates = new List<double>(rounds);
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            int batches = session.ClassifyPipelined(For(round), (_, _, _) => { });
            rates.Add((double)batches * batch.Count / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }

    /// <summary>
    /// A bare ONNX Runtime session on <paramref name="provider"/> with the runtime's settings and provider
    /// registration; <paramref name="fusedModel"/> swaps in the graph with preprocessing prepended.
    /// </summary>
    public static InferenceSession BareSession(string modelPath, ClassifierSignature signature, ExecutionProviderKind provider, int deviceId, bool fusedModel)
    {
        var options = new ClassifierRuntimeOptions { ExecutionProviders = [provider.ToString()], DeviceId = deviceId };
        using var sessionOptions = ClassifierSession.CreateSessionOptions(options);
        var selection = new ExecutionProviderSelector(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Apply(sessionOptions, options, signature.ModelSha256);
        if (selection.Selected != provider)
            throw new InvalidOperationException($"A bare session could not get {provider}: {string.Join("; ", selection.Skipped.Select(s => s.Reason))}");
        return fusedModel
            ? new InferenceSession(FusedPreprocessingModel.Build(modelPath, signature.InputTensor, signature.Format), sessionOptions)
            : new InferenceSession(modelPath, sessionOptions);
    }

    /// <summary>
    /// A bare Run loop at <paramref name="batch"/> on input filled once up front (float NCHW for the model, uint8
    /// NHWC for the fused graph), managed arrays as a plain ORT user would pass them: the limit the runtime is held to.
    /// </summary>
    public static double BareRun(InferenceSession session, ClassifierSignature signature, bool fusedModel, int batch, TimeSpan round, int rounds)
    {
        var f = signature.Format;
        using var runOptions = new RunOptions();
        var output = new float[batch * signature.Labels.Count];
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [batch, signature.Labels.Count]);
        OrtValue inputValue;
        if (fusedModel)
        {
            var input = new byte[batch * f.ValuesPerImage];
            for (int i = 0; i < input.Length; i++) input[i] = (byte)(i % 251);
            inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, f.Height, f.Width, f.Channels]);
        }
        else
        {
            var input = new float[batch * f.ValuesPerImage];
            for (int i = 0; i < input.Length; i++) input[i] = (i % 255) / 255f;
            inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, f.Channels, f.Height, f.Width]);
        }
        using (inputValue)
        {
            string[] inputNames = [fusedModel ? FusedPreprocessingModel.InputName : signature.InputTensor], outputNames = [signature.OutputTensor];
            OrtValue[] inputs = [inputValue], outputs = [outputValue];
            return Median(() => { session.Run(runOptions, inputNames, inputs, outputNames, outputs); return batch; }, round, rounds);
        }
    }

    /// <summary>Element type of a session input, for reports.</summary>
    public static TensorElementType InputType(InferenceSession session, string name) => session.InputMetadata[name].ElementDataType;
}
