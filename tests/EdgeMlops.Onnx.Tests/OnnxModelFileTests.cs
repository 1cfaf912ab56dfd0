using System.Text;
using EdgeMlops.Onnx.Tests.Support;
using Google.Protobuf;

namespace EdgeMlops.Onnx.Tests;

public sealed class OnnxModelFileTests : IDisposable
{
    private readonly TempDirectory temp = new("edgemlops-onnx-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Save_then_load_gives_back_an_equal_model()
    {
        var model = TestModels.SmallCnn();
        var path = temp.File("model.onnx");

        OnnxModelFile.Save(model, path);

        Assert.Equal(model, OnnxModelFile.Load(path));
        Assert.Equal(["model.onnx"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Fields_this_library_does_not_know_survive_load_and_save_and_onnx_runtime_still_runs_the_model()
    {
        var model = TestModels.SmallCnn();
        var graphUnknownField = VarintField(fieldNumber: 4242, value: 7);
        var modelUnknownField = StringField(fieldNumber: 4243, "written by a newer exporter");
        var graphWithUnknownField = Concat(model.Graph.ToByteArray(), graphUnknownField);
        var withoutGraph = model.Clone();
        withoutGraph.Graph = null;
        var original = Concat(withoutGraph.ToByteArray(), MessageField(fieldNumber: 7, graphWithUnknownField), modelUnknownField);
        var path = temp.File("foreign.onnx");
        File.WriteAllBytes(path, original);

        OnnxModelFile.Save(OnnxModelFile.Load(path), path);
        var saved = File.ReadAllBytes(path);

        Assert.True(saved.AsSpan().IndexOf(graphWithUnknownField) >= 0, "The graph, with its unknown field, was not written back unchanged.");
        Assert.True(saved.AsSpan().IndexOf(modelUnknownField) >= 0, "The model's unknown field was not written back.");
        var output = OrtRunner.Run(saved, TestModels.InputName, TestModels.RandomImages(new Random(1), 1), TestModels.InputShape(1), "softmax1")["softmax1"];
        Assert.Equal(1f, output.Values.Sum(), 1e-5f);
    }

    [Fact]
    public void Loading_garbage_names_the_file()
    {
        var path = temp.File("garbage.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x13, 0x37]);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(path));

        Assert.Equal(path, error.ModelSource);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Loading_a_protobuf_message_that_is_not_a_model_is_rejected()
    {
        var tensorBytes = OnnxTensor.FromFloats("w", [1f, 2f], 2).ToByteArray();

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModelFile.Load(tensorBytes, "package entry model.onnx"));

        Assert.Contains("'package entry model.onnx'", error.Message);
    }

    private static byte[] VarintField(int fieldNumber, long value) => Encode(o =>
    {
        o.WriteTag(fieldNumber, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    });

    private static byte[] StringField(int fieldNumber, string value) => MessageField(fieldNumber, Encoding.UTF8.GetBytes(value));

    private static byte[] MessageField(int fieldNumber, byte[] payload) => Encode(o =>
    {
        o.WriteTag(fieldNumber, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(payload));
    });

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
            write(output);
        return buffer.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
