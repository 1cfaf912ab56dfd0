namespace EdgeMlops.Onnx;

/// <summary>Adds the classifier's embedding as an extra graph output, so one inference run yields both.</summary>
internal static class EmbeddingExposer
{
    public static ModelProto Expose(ModelProto model, string outputName)
    {
        var result = model.Clone();
        var graph = ClassifierHead.RequireGraph(result);
        var head = HeadLocator.Locate(graph).Info;
        var index = new GraphIndex(graph);

        if (graph.Output.Any(o => o.Name == outputName))
        {
            if (IsEmbedding(index, outputName, head.EmbeddingTensor))
                return result;
            throw new ArgumentException($"The model already has an output named '{outputName}' that is not the embedding.", nameof(outputName));
        }

        if (outputName != head.EmbeddingTensor)
        {
            if (index.IsNameTaken(outputName))
                throw new ArgumentException($"The name '{outputName}' is already used in the model's graph.", nameof(outputName));

            // An Identity gives the embedding the caller's output name without renaming a tensor the graph uses.
            graph.Node.Add(new NodeProto
            {
                Name = index.ReserveUniqueName($"expose_{outputName}"),
                OpType = "Identity",
                Input = { head.EmbeddingTensor },
                Output = { outputName },
            });
        }

        graph.Output.Add(ValueInfos.FloatTensor(outputName, [BatchDimensionOf(graph, head.OutputName), ValueInfos.Fixed(head.EmbeddingDimension)]));
        return result;
    }

    private static bool IsEmbedding(GraphIndex index, string tensor, string embedding) =>
        tensor == embedding
        || index.ProducerOf(tensor) is { } producer && producer.IsStandardOp("Identity") && producer.Input[0] == embedding;

    /// <summary>The batch dimension as the existing output declares it ("N", "batch_size", ...), so both outputs agree.</summary>
    private static TensorShapeProto.Types.Dimension BatchDimensionOf(GraphProto graph, string existingOutput) =>
        graph.Output.First(o => o.Name == existingOutput).Type?.TensorType?.Shape?.Dim.FirstOrDefault()?.Clone()
        ?? ValueInfos.Symbolic(GraphBuilder.BatchDimension);
}
