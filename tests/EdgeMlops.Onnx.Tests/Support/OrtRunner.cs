using Microsoft.ML.OnnxRuntime;

namespace EdgeMlops.Onnx.Tests.Support;

/// <summary>Runs a model in ONNX Runtime, the proof that what we write is a model others can execute.</summary>
internal static class OrtRunner
{
    public static IReadOnlyDictionary<string, OrtOutput> Run(byte[] modelBytes, string inputName, float[] input, long[] inputShape, params string[] outputNames)
    {
        using var session = new InferenceSession(modelBytes);
        return Run(session, inputName, input, inputShape, outputNames);
    }

    /// <summary>Runs a model file: ONNX Runtime finds external data relative to the model's path.</summary>
    public static IReadOnlyDictionary<string, OrtOutput> RunFile(string modelPath, string inputName, float[] input, long[] inputShape, params string[] outputNames)
    {
        using var session = new InferenceSession(modelPath);
        return Run(session, inputName, input, inputShape, outputNames);
    }

    private static IReadOnlyDictionary<string, OrtOutput> Run(InferenceSession session, string inputName, float[] input, long[] inputShape, string[] outputNames)
    {
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [inputValue], outputNames);
        return outputNames.Zip(results).ToDictionary(
            pair => pair.First,
            pair => new OrtOutput(pair.Second.GetTensorDataAsSpan<float>().ToArray(), pair.Second.GetTensorTypeAndShape().Shape));
    }

    public static IReadOnlyDictionary<string, OrtOutput> Run(ModelProto model, string inputName, float[] input, long[] inputShape, params string[] outputNames) =>
        Run(OnnxModelFile.ToBytes(model), inputName, input, inputShape, outputNames);
}

/// <summary>A row-major tensor returned by ONNX Runtime.</summary>
internal sealed record OrtOutput(float[] Values, long[] Shape)
{
    public float[] Row(int index)
    {
        var width = (int)(Values.Length / Shape[0]);
        return Values.AsSpan(index * width, width).ToArray();
    }
}
