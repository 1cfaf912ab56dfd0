namespace EdgeMlops.Onnx;

/// <summary>Puts a linear head and Softmax on a graph that outputs an embedding; see <see cref="ClassifierHead.Attach"/>.</summary>
internal static class HeadAttacher
{
    public static ModelProto Attach(ModelProto featureExtractor, float[,] weights, float[] bias, string outputName)
    {
        var result = featureExtractor.Clone();
        var graph = ClassifierHead.RequireGraph(result);
        if (graph.Output.Count != 1)
            throw new ArgumentException($"The graph has {graph.Output.Count} outputs; a feature extractor has one, the embedding.", nameof(featureExtractor));
        var classes = weights.GetLength(0);
        if (bias.Length != classes)
            throw new ArgumentException($"{classes} rows of weights need {classes} biases, got {bias.Length}.", nameof(bias));

        var index = new GraphIndex(graph);
        if (index.IsNameTaken(outputName))
            throw new ArgumentException($"The name '{outputName}' is already used in this graph.", nameof(outputName));
        var embedding = graph.Output[0].Name;
        var gemm = index.ReserveUniqueName("head");
        var weightName = index.ReserveUniqueName("head.weight");
        var biasName = index.ReserveUniqueName("head.bias");
        index.ReserveUniqueName(outputName);

        var flat = new float[weights.Length];
        Buffer.BlockCopy(weights, 0, flat, 0, weights.Length * sizeof(float));
        graph.Initializer.Add(OnnxTensor.FromFloats(weightName, flat, classes, weights.GetLength(1)));
        graph.Initializer.Add(OnnxTensor.FromFloats(biasName, bias, classes));
        graph.Node.Add(new NodeProto
        {
            Name = gemm,
            OpType = "Gemm",
            Input = { embedding, weightName, biasName },
            Output = { gemm },
            Attribute = { OnnxAttribute.Int("transB", 1) },
        });
        graph.Node.Add(new NodeProto
        {
            Name = outputName,
            OpType = "Softmax",
            Input = { gemm },
            Output = { outputName },
            Attribute = { OnnxAttribute.Int("axis", 1) },
        });

        graph.Output.Clear();
        graph.Output.Add(ValueInfos.FloatTensor(outputName, [ValueInfos.Symbolic(GraphBuilder.BatchDimension), ValueInfos.Fixed(classes)]));
        return result;
    }
}
