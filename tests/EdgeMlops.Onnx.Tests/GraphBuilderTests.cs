using EdgeMlops.Onnx.Tests.Support;

namespace EdgeMlops.Onnx.Tests;

public class GraphBuilderTests
{
    [Fact]
    public void Small_cnn_runs_in_onnx_runtime_and_outputs_probabilities_per_image()
    {
        var model = TestModels.SmallCnn();
        const int batch = 3;

        var output = OrtRunner.Run(model, TestModels.InputName, TestModels.RandomImages(new Random(10), batch), TestModels.InputShape(batch), "softmax1")["softmax1"];

        Assert.Equal([batch, TestModels.ClassCount], output.Shape);
        for (var i = 0; i < batch; i++)
        {
            Assert.All(output.Row(i), p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(1f, output.Row(i).Sum(), 1e-5f);
        }
    }

    [Fact]
    public void Built_model_declares_ir_8_default_opset_17_and_a_dynamic_batch()
    {
        var model = TestModels.SmallCnn();

        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal(["N", "3", "8", "8"], input.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()));
        Assert.Equal(["N", "5"], model.Graph.Output.Single().Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()));
    }

    [Fact]
    public void Node_and_initializer_names_are_unique_and_named_after_their_layer()
    {
        var graph = TestModels.SmallCnn().Graph;

        Assert.Equal(
            ["conv1", "relu1", "maxpool1", "conv2", "relu2", "globalaveragepool1", "flatten1", "gemm1", "softmax1"],
            graph.Node.Select(n => n.Name));
        Assert.Equal(
            ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "gemm1.weight", "gemm1.bias"],
            graph.Initializer.Select(i => i.Name));
    }

    [Fact]
    public void Every_elementwise_and_shape_operation_builds_a_graph_onnx_runtime_runs()
    {
        var random = new Random(20);
        var b = new GraphBuilder();
        var x = b.Input("x", 2, 4, 4);
        var pooled = b.Reshape(b.AveragePool(x, [2, 2], strides: [2, 2]), 0, 8);
        var features = b.Concat(1, b.Sqrt(b.Abs(pooled)), pooled);
        var scale = b.Initializer("scale", Enumerable.Range(1, 16).Select(i => i / 4f).ToArray(), [16]);
        var offset = b.Initializer("offset", Numerics.RandomValues(random, 16), [16]);
        var scaled = b.Sub(b.Div(b.Mul(features, scale), scale), offset);
        var projected = b.MatMul(scaled, b.Initializer("projection", Numerics.RandomValues(random, 16 * 6), [16, 6]));
        var normalised = b.LpNormalization(b.Node("Tanh", [projected]));
        var model = b.Output(normalised, 6).Build();

        var output = OrtRunner.Run(model, "x", Numerics.RandomValues(random, 2 * 2 * 4 * 4), [2, 2, 4, 4], normalised)[normalised];

        Assert.Equal([2, 6], output.Shape);
        for (var i = 0; i < 2; i++)
            Assert.Equal(1f, MathF.Sqrt(output.Row(i).Sum(v => v * v)), 1e-5f);
    }

    [Fact]
    public void Reusing_a_name_is_rejected()
    {
        var b = new GraphBuilder();
        b.Input("x", 4);

        Assert.Throws<ArgumentException>(() => b.Initializer("x", [1f], [1]));
    }

    [Fact]
    public void Using_a_tensor_that_was_never_built_is_rejected()
    {
        var b = new GraphBuilder();
        b.Input("x", 4);

        var error = Assert.Throws<ArgumentException>(() => b.Relu("y"));
        Assert.Contains("'y'", error.Message);
    }
}
