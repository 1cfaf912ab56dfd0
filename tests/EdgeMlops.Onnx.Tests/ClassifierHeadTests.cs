using EdgeMlops.Onnx.Tests.Support;

namespace EdgeMlops.Onnx.Tests;

public class ClassifierHeadTests
{
    private const int Batch = 4;

    [Theory]
    [MemberData(nameof(TestModels.HeadForms), MemberType = typeof(TestModels))]
    public void Find_describes_the_head_so_that_weights_times_embedding_plus_bias_gives_the_models_logits(string headForm)
    {
        var model = TestModels.WithHead(headForm);

        var head = ClassifierHead.Find(model);

        Assert.Equal((TestModels.ClassCount, TestModels.EmbeddingDimension), (head.ClassCount, head.EmbeddingDimension));
        Assert.Equal("flatten1", head.EmbeddingTensor);
        Assert.Equal(model.Graph.Output.Single().Name, head.OutputName);
        Assert.Equal(headForm != "gemm without softmax", head.HasSoftmax);
        var (embeddings, logits) = RunEmbeddingAndLogits(model, head.LogitsTensor);
        for (var i = 0; i < Batch; i++)
            Numerics.AssertClose(Numerics.Logits(head.Weights, head.Bias, embeddings.Row(i)), logits.Row(i));
    }

    [Theory]
    [MemberData(nameof(HeadFormsAndNewClassCounts))]
    public void ReplaceHead_with_another_label_count_makes_the_model_compute_the_new_logits(string headForm, int newClassCount)
    {
        var model = TestModels.WithHead(headForm);
        var original = ClassifierHead.Find(model);
        var random = new Random(30);
        var weights = Numerics.RandomMatrix(random, newClassCount, TestModels.EmbeddingDimension);
        var bias = Numerics.RandomValues(random, newClassCount);

        var rewritten = ClassifierHead.ReplaceHead(ClassifierHead.ExposeEmbedding(model), weights, bias);

        var (embeddings, logits) = RunEmbeddingAndLogits(rewritten, original.LogitsTensor);
        Assert.Equal([Batch, newClassCount], logits.Shape);
        for (var i = 0; i < Batch; i++)
            Numerics.AssertClose(Numerics.Logits(weights, bias, embeddings.Row(i)), logits.Row(i));
        var head = ClassifierHead.Find(rewritten);
        Assert.Equal(
            (original.OutputName, original.LogitsTensor, original.HasSoftmax, original.Layer, newClassCount),
            (head.OutputName, head.LogitsTensor, head.HasSoftmax, head.Layer, head.ClassCount));
        var declaredOutput = rewritten.Graph.Output.Single(o => o.Name == original.OutputName);
        Assert.Equal(newClassCount, declaredOutput.Type.TensorType.Shape.Dim[^1].DimValue);
    }

    public static TheoryData<string, int> HeadFormsAndNewClassCounts()
    {
        var data = new TheoryData<string, int>();
        foreach (var headForm in TestModels.HeadForms)
            data.Add(headForm, 3);
        data.Add("gemm", 9);
        data.Add("matmul add", 9);
        return data;
    }

    [Fact]
    public void Replaced_softmax_head_outputs_probabilities_over_the_new_classes()
    {
        var random = new Random(31);
        var rewritten = ClassifierHead.ReplaceHead(TestModels.SmallCnn(),
            Numerics.RandomMatrix(random, 2, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 2));

        var probabilities = OrtRunner.Run(rewritten, TestModels.InputName, TestModels.RandomImages(random, Batch), TestModels.InputShape(Batch), "softmax1")["softmax1"];

        Assert.Equal([Batch, 2], probabilities.Shape);
        for (var i = 0; i < Batch; i++)
            Assert.Equal(1f, probabilities.Row(i).Sum(), 1e-5f);
    }

    [Fact]
    public void Attach_puts_a_softmax_over_weights_times_embedding_plus_bias_on_a_feature_extractor_and_Find_sees_it()
    {
        var random = new Random(33);
        var extractor = ClassifierHead.ExposeEmbedding(TestModels.SmallCnn(), "features");
        extractor.Graph.Output.RemoveAt(0);
        var (weights, bias) = (Numerics.RandomMatrix(random, 3, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 3));
        var images = TestModels.RandomImages(random, Batch);

        var classifier = ClassifierHead.Attach(extractor, weights, bias);

        var embeddings = OrtRunner.Run(extractor, TestModels.InputName, images, TestModels.InputShape(Batch), "features")["features"];
        var probabilities = OrtRunner.Run(classifier, TestModels.InputName, images, TestModels.InputShape(Batch), "probabilities")["probabilities"];
        Assert.Equal([Batch, 3], probabilities.Shape);
        for (var i = 0; i < Batch; i++)
        {
            var logits = Numerics.Logits(weights, bias, embeddings.Row(i));
            var exp = logits.Select(l => MathF.Exp(l - logits.Max())).ToArray();
            Numerics.AssertClose(exp.Select(e => e / exp.Sum()).ToArray(), probabilities.Row(i));
        }

        var head = ClassifierHead.Find(classifier);
        Assert.Equal(("features", 3, true), (head.EmbeddingTensor, head.ClassCount, head.HasSoftmax));
        Assert.Single(extractor.Graph.Output);
    }

    [Fact]
    public void ExposeEmbedding_adds_a_float_output_of_batch_by_dimension_and_keeps_the_original_output()
    {
        var model = TestModels.SmallCnn();

        var exposed = ClassifierHead.ExposeEmbedding(model, "features");

        Assert.Equal(["softmax1", "features"], exposed.Graph.Output.Select(o => o.Name));
        var declared = exposed.Graph.Output[1].Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Float, declared.ElemType);
        Assert.Equal(["N", "6"], declared.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()));
        var features = OrtRunner.Run(exposed, TestModels.InputName, TestModels.RandomImages(new Random(32), Batch), TestModels.InputShape(Batch), "features")["features"];
        Assert.Equal([Batch, TestModels.EmbeddingDimension], features.Shape);
        Assert.Equal(exposed, ClassifierHead.ExposeEmbedding(exposed, "features"));
    }

    [Fact]
    public void ExposeEmbedding_and_ReplaceHead_leave_the_input_model_unchanged()
    {
        var model = TestModels.WithHead("matmul add");
        var before = model.Clone();
        var random = new Random(33);

        ClassifierHead.ExposeEmbedding(model);
        ClassifierHead.ReplaceHead(model, Numerics.RandomMatrix(random, 2, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 2));

        Assert.Equal(before, model);
    }

    [Fact]
    public void ReplaceHead_keeps_initializer_names_across_retraining_rounds()
    {
        var model = TestModels.SmallCnn();
        var random = new Random(34);

        var once = ClassifierHead.ReplaceHead(model, Numerics.RandomMatrix(random, 3, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 3));
        var twice = ClassifierHead.ReplaceHead(once, Numerics.RandomMatrix(random, 4, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 4));

        Assert.Equal(model.Graph.Initializer.Select(i => i.Name), twice.Graph.Initializer.Select(i => i.Name));
        Assert.Equal(model.Graph.Node.Select(n => n.Name), twice.Graph.Node.Select(n => n.Name));
    }

    [Fact]
    public void ReplaceHead_leaves_weights_shared_with_other_layers_intact()
    {
        // Exporters merge identical constants, so a hidden layer and the head can read the same initializers.
        var random = new Random(35);
        var sharedWeights = Numerics.RandomMatrix(random, 4, 4);
        var sharedBias = Numerics.RandomValues(random, 4);
        var b = new GraphBuilder();
        var x = b.Input("x", 4);
        var w = b.Initializer("shared.weight", sharedWeights.Cast<float>().ToArray(), [4, 4]);
        var bias = b.Initializer("shared.bias", sharedBias, [4]);
        var hidden = b.Relu(b.Node("Gemm", [x, w, bias], OnnxAttribute.Int("transB", 1)));
        var model = b.Output(b.Softmax(b.Node("Gemm", [hidden, w, bias], OnnxAttribute.Int("transB", 1))), 4).Build();
        var newWeights = Numerics.RandomMatrix(random, 3, 4);
        var newBias = Numerics.RandomValues(random, 3);

        var rewritten = ClassifierHead.ReplaceHead(ClassifierHead.ExposeEmbedding(model), newWeights, newBias);

        var input = Numerics.RandomValues(random, Batch * 4);
        var outputs = OrtRunner.Run(TestModels.WithExtraOutput(rewritten, "gemm2"), "x", input, [Batch, 4], "embedding", "gemm2");
        for (var i = 0; i < Batch; i++)
        {
            var expectedHidden = Numerics.Logits(sharedWeights, sharedBias, input[(i * 4)..(i * 4 + 4)]).Select(v => Math.Max(v, 0f)).ToArray();
            Numerics.AssertClose(expectedHidden, outputs["embedding"].Row(i));
            Numerics.AssertClose(Numerics.Logits(newWeights, newBias, outputs["embedding"].Row(i)), outputs["gemm2"].Row(i));
        }
        Assert.Equal(model.Graph.Initializer.Take(2), rewritten.Graph.Initializer.Take(2));
    }

    [Fact]
    public void ReplaceHead_leaves_a_matmul_result_that_other_consumers_read_as_it_was()
    {
        var random = new Random(37);
        var oldWeights = Numerics.RandomValues(random, 4 * 3);
        var b = new GraphBuilder();
        var x = b.Input("x", 4);
        var scores = b.MatMul(x, b.Initializer("dense.kernel", oldWeights, [4, 3]));
        var probabilities = b.Softmax(b.Add(scores, b.Initializer("dense.bias", Numerics.RandomValues(random, 3), [3])));
        var model = b.Output(probabilities, 3).Output(scores, 3).Build();
        var newWeights = Numerics.RandomMatrix(random, 2, 4);
        var newBias = Numerics.RandomValues(random, 2);

        var rewritten = ClassifierHead.ReplaceHead(model, newWeights, newBias);

        var input = Numerics.RandomValues(random, Batch * 4);
        var outputs = OrtRunner.Run(TestModels.WithExtraOutput(rewritten, "add1"), "x", input, [Batch, 4], "matmul1", "add1");
        var oldWeightsByClass = new float[3, 4];
        for (var c = 0; c < 3; c++)
            for (var d = 0; d < 4; d++)
                oldWeightsByClass[c, d] = oldWeights[d * 3 + c];
        for (var i = 0; i < Batch; i++)
        {
            var sample = input[(i * 4)..(i * 4 + 4)];
            Numerics.AssertClose(Numerics.Logits(oldWeightsByClass, new float[3], sample), outputs["matmul1"].Row(i));
            Numerics.AssertClose(Numerics.Logits(newWeights, newBias, sample), outputs["add1"].Row(i));
        }
    }

    [Fact]
    public void A_model_outputting_both_logits_and_probabilities_has_one_head_and_both_outputs_follow_the_new_class_count()
    {
        var model = TestModels.WithExtraOutput(TestModels.SmallCnn(), "gemm1");
        model.Graph.Output[1].Type.TensorType.Shape = model.Graph.Output[0].Type.TensorType.Shape.Clone();
        var random = new Random(38);

        var head = ClassifierHead.Find(model);
        var rewritten = ClassifierHead.ReplaceHead(model, Numerics.RandomMatrix(random, 2, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 2));

        Assert.Equal(("softmax1", "gemm1"), (head.OutputName, head.LogitsTensor));
        Assert.All(rewritten.Graph.Output, o => Assert.Equal(2, o.Type.TensorType.Shape.Dim[^1].DimValue));
        var outputs = OrtRunner.Run(rewritten, TestModels.InputName, TestModels.RandomImages(random, Batch), TestModels.InputShape(Batch), "softmax1", "gemm1");
        Assert.All(outputs.Values, o => Assert.Equal([Batch, 2], o.Shape));
    }

    [Fact]
    public void ReplaceHead_updates_the_declaration_of_head_weights_that_old_models_list_as_graph_inputs()
    {
        // Before IR version 4 every initializer also had to be declared as a graph input.
        var model = TestModels.SmallCnn();
        foreach (var name in new[] { "gemm1.weight", "gemm1.bias" })
        {
            var tensor = model.Graph.Initializer.Single(i => i.Name == name);
            model.Graph.Input.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto
                {
                    TensorType = new TypeProto.Types.Tensor
                    {
                        ElemType = tensor.DataType,
                        Shape = new TensorShapeProto { Dim = { tensor.Dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }) } },
                    },
                },
            });
        }
        var random = new Random(36);

        var rewritten = ClassifierHead.ReplaceHead(model, Numerics.RandomMatrix(random, 2, TestModels.EmbeddingDimension), Numerics.RandomValues(random, 2));

        Assert.Equal([2L, TestModels.EmbeddingDimension], rewritten.Graph.Input.Single(i => i.Name == "gemm1.weight").Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        var probabilities = OrtRunner.Run(rewritten, TestModels.InputName, TestModels.RandomImages(random, Batch), TestModels.InputShape(Batch), "softmax1")["softmax1"];
        Assert.Equal([Batch, 2], probabilities.Shape);
    }

    [Fact]
    public void ReplaceHead_rejects_weights_for_another_embedding_dimension()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ClassifierHead.ReplaceHead(TestModels.SmallCnn(), new float[3, TestModels.EmbeddingDimension + 1], new float[3]));

        Assert.Contains("'flatten1'", error.Message);
    }

    [Fact]
    public void A_graph_that_does_not_end_in_a_classifier_layer_gives_an_error_naming_what_it_ends_in()
    {
        var b = new GraphBuilder();
        var x = b.Input("image", 3, 8, 8);
        var model = b.Output(b.Flatten(b.GlobalAveragePool(x)), 3).Build();

        var error = Assert.Throws<OnnxHeadNotFoundException>(() => ClassifierHead.Find(model));

        Assert.Contains("Flatten node 'flatten1'", error.Message);
        Assert.Contains("Gemm", error.Message);
    }

    [Fact]
    public void A_head_whose_weights_are_computed_rather_than_stored_is_not_taken_for_a_retrainable_head()
    {
        var b = new GraphBuilder();
        var x = b.Input("x", 4);
        var weights = b.Abs(b.Initializer("w", new float[12], [3, 4]));
        var model = b.Output(b.Node("Gemm", [x, weights], OnnxAttribute.Int("transB", 1)), 3).Build();

        var error = Assert.Throws<OnnxHeadNotFoundException>(() => ClassifierHead.Find(model));

        Assert.Contains("B input 'abs1' is not a 2-D initializer", error.Message);
    }

    /// <summary>Runs the model with its embedding and logits exposed as outputs.</summary>
    private static (OrtOutput Embeddings, OrtOutput Logits) RunEmbeddingAndLogits(ModelProto model, string logitsTensor)
    {
        var exposed = TestModels.WithExtraOutput(ClassifierHead.ExposeEmbedding(model), logitsTensor);
        var images = TestModels.RandomImages(new Random(40), Batch);
        var outputs = OrtRunner.Run(exposed, TestModels.InputName, images, TestModels.InputShape(Batch), "embedding", logitsTensor);
        return (outputs["embedding"], outputs[logitsTensor]);
    }
}
