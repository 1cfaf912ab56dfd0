using EdgeMlops.Onnx.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeMlops.Onnx.Tests;

public sealed class InputPreprocessingTests
{
    private static ModelProto Identity(int channels, int size)
    {
        // The model's own graph is a no-op, so its output is exactly what preprocessing produced.
        var b = new GraphBuilder();
        var x = b.Input("image", channels, size, size);
        return b.Output(b.Flatten(x), channels * size * size).Build();
    }

    private static float[] RunUint8(ModelProto model, byte[] pixels, long[] shape, string output = "flatten1")
    {
        using var session = new InferenceSession(OnnxModelFile.ToBytes(model));
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(), shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [InputPreprocessing.DefaultInputName], [input], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Bgr_nhwc_bytes_become_rgb_nchw_normalised_floats()
    {
        const int size = 2;
        var spec = new ImageInputPreprocessing(size, size, 3, ReverseChannels: true, Gain: [0.5f, 1f, 2f], Offset: [-1f, 0f, 1f]);
        var model = InputPreprocessing.Prepend(Identity(3, size), "image", spec);
        // Two images, pixel p of image i holds B,G,R = (10i+p, 100+p, 200+p).
        var pixels = new byte[2 * size * size * 3];
        for (int i = 0; i < 2; i++)
            for (int p = 0; p < size * size; p++)
            {
                int at = (i * size * size + p) * 3;
                (pixels[at], pixels[at + 1], pixels[at + 2]) = ((byte)(10 * i + p), (byte)(100 + p), (byte)(200 + p));
            }

        var output = RunUint8(model, pixels, [2, size, size, 3]);

        for (int i = 0; i < 2; i++)
            for (int p = 0; p < size * size; p++)
            {
                int plane = size * size, image = i * 3 * plane;
                Assert.Equal((200 + p) * 0.5f - 1f, output[image + p]);            // R first, gain/offset of channel 0
                Assert.Equal(100 + p, output[image + plane + p]);                  // G
                Assert.Equal((10 * i + p) * 2f + 1f, output[image + 2 * plane + p]); // B last
            }
    }

    [Fact]
    public void Grey_models_get_cast_and_normalisation_only()
    {
        var model = InputPreprocessing.Prepend(Identity(1, 3), "image", new ImageInputPreprocessing(3, 3, 1, false, [1 / 255f], [-0.5f]));

        var output = RunUint8(model, Enumerable.Range(0, 9).Select(v => (byte)(v * 25)).ToArray(), [1, 3, 3, 1]);

        Assert.Equal(Enumerable.Range(0, 9).Select(v => v * 25 * (1 / 255f) - 0.5f), output);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Gather");
    }

    [Fact]
    public void The_new_input_is_uint8_nhwc_with_the_models_batch_dimension_and_the_float_input_can_be_exposed()
    {
        var model = InputPreprocessing.Prepend(TestModels.SmallCnn(), TestModels.InputName,
            new ImageInputPreprocessing(8, 8, 3, true, [1f, 1f, 1f], [0f, 0f, 0f]), exposeModelInput: true);

        var input = Assert.Single(model.Graph.Input);
        Assert.Equal(InputPreprocessing.DefaultInputName, input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Uint8, input.Type.TensorType.ElemType);
        Assert.Equal(["N", "8", "8", "3"], input.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()));
        Assert.Contains(model.Graph.Output, o => o.Name == TestModels.InputName);
        using var session = new InferenceSession(OnnxModelFile.ToBytes(model));
        Assert.Equal(TensorElementType.UInt8, session.InputMetadata[InputPreprocessing.DefaultInputName].ElementDataType);
    }

    [Fact]
    public void A_missing_input_is_refused_naming_it_and_the_inputs_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => InputPreprocessing.Prepend(TestModels.SmallCnn(), "pixels",
            new ImageInputPreprocessing(8, 8, 3, false, [1f, 1f, 1f], [0f, 0f, 0f])));

        Assert.Contains("'pixels'", error.Message);
        Assert.Contains(TestModels.InputName, error.Message);
    }

    [Fact]
    public void A_size_that_disagrees_with_the_models_input_is_refused_naming_both()
    {
        var error = Assert.Throws<ArgumentException>(() => InputPreprocessing.Prepend(TestModels.SmallCnn(), TestModels.InputName,
            new ImageInputPreprocessing(16, 16, 3, false, [1f, 1f, 1f], [0f, 0f, 0f])));

        Assert.Contains("[N,3,8,8]", error.Message);
        Assert.Contains("[N,3,16,16]", error.Message);
    }

    [Fact]
    public void Prepending_twice_is_refused()
    {
        var spec = new ImageInputPreprocessing(8, 8, 3, false, [1f, 1f, 1f], [0f, 0f, 0f]);
        var once = InputPreprocessing.Prepend(TestModels.SmallCnn(), TestModels.InputName, spec, newInput: "other");

        Assert.Throws<ArgumentException>(() => InputPreprocessing.Prepend(once, "other", spec));
    }

    [Fact]
    public void The_original_model_is_left_unchanged()
    {
        var original = TestModels.SmallCnn();
        var before = OnnxModelFile.ToBytes(original);

        InputPreprocessing.Prepend(original, TestModels.InputName, new ImageInputPreprocessing(8, 8, 3, true, [1f, 1f, 1f], [0f, 0f, 0f]));

        Assert.Equal(before, OnnxModelFile.ToBytes(original));
    }
}
