namespace EdgeMlops.Onnx;

/// <summary>
/// Writes new head weights into a copy of a model, keeping its structure (a Gemm stays a Gemm, MatMul + Add
/// stays MatMul + Add) and its tensor names, so consumers of the logits or probabilities need no change.
/// </summary>
internal static class HeadReplacer
{
    public static ModelProto Replace(ModelProto model, float[,] weights, float[] bias)
    {
        var result = model.Clone();
        var graph = ClassifierHead.RequireGraph(result);
        var head = HeadLocator.Locate(graph);
        RequireCompatible(head.Info, weights, bias);

        var index = new GraphIndex(graph);
        var resizedTensors = new List<string> { head.Info.LogitsTensor, head.Info.OutputName };
        if (head.MatMul is null)
            RewriteGemm(graph, index, head, weights, bias);
        else
            resizedTensors.Add(RewriteMatMulAdd(graph, index, head, head.MatMul, weights, bias));

        ForgetOldShapes(graph, resizedTensors, classCount: bias.Length);
        return result;
    }

    private static void RequireCompatible(ClassifierHeadInfo head, float[,] weights, float[] bias)
    {
        if (weights.GetLength(1) != head.EmbeddingDimension)
            throw new ArgumentException(
                $"The new weights take {weights.GetLength(1)} features but the model's embedding '{head.EmbeddingTensor}' has {head.EmbeddingDimension}.",
                nameof(weights));
        if (bias.Length == 0 || bias.Length != weights.GetLength(0))
            throw new ArgumentException($"Expected one bias per class ({weights.GetLength(0)}), got {bias.Length}.", nameof(bias));
    }

    /// <summary>Turns the Gemm into the plain form logits = e · Wᵀ + b, whatever transB/alpha/beta it had.</summary>
    private static void RewriteGemm(GraphProto graph, GraphIndex index, HeadMatch head, float[,] weights, float[] bias)
    {
        var gemm = head.FinalLayer;
        long classes = bias.Length;
        var weightName = PlaceInitializer(graph, index, head.WeightInitializer, Flatten(weights), [classes, weights.GetLength(1)], mayReplace: true);
        var biasName = head.BiasInitializer is null
            ? AddInitializer(graph, index.ReserveUniqueName($"{NameOf(gemm, head.Info.LogitsTensor)}.bias"), bias, [classes])
            : PlaceInitializer(graph, index, head.BiasInitializer, bias, [classes], mayReplace: true);

        var embedding = gemm.Input[0];
        gemm.Input.Clear();
        gemm.Input.AddRange([embedding, weightName, biasName]);
        gemm.Attribute.Clear();
        gemm.Attribute.Add(OnnxAttribute.Int("transB", 1));
    }

    /// <returns>The tensor the head's MatMul now writes, whose shape changed with the class count.</returns>
    private static string RewriteMatMulAdd(GraphProto graph, GraphIndex index, HeadMatch head, NodeProto matMul, float[,] weights, float[] bias)
    {
        var add = head.FinalLayer;

        // If something besides the Add reads the MatMul's result, that reader keeps the original MatMul
        // (and its weights); the head gets its own copy.
        var matMulIsShared = index.ReaderCount(matMul.Output[0]) > 1;
        if (matMulIsShared)
        {
            var original = matMul;
            matMul = original.Clone();
            matMul.Name = index.ReserveUniqueName($"{NameOf(original, original.Output[0])}_head");
            matMul.Output[0] = index.ReserveUniqueName($"{original.Output[0]}_head");
            graph.Node.Insert(graph.Node.IndexOf(add), matMul);
            add.Input[1 - head.BiasInputIndex] = matMul.Output[0];
        }

        matMul.Input[1] = PlaceInitializer(graph, index, head.WeightInitializer, Flatten(Transpose(weights)),
            [weights.GetLength(1), bias.Length], mayReplace: !matMulIsShared);
        add.Input[head.BiasInputIndex] = PlaceInitializer(graph, index, head.BiasInitializer!, bias, [bias.Length], mayReplace: true);
        return matMul.Output[0];
    }

    /// <summary>
    /// Replaces the initializer under its own name when the head is its only reader, so names stay stable
    /// across retraining rounds; otherwise adds the new values under a fresh name and leaves the shared one alone.
    /// </summary>
    /// <returns>The name the head must read.</returns>
    private static string PlaceInitializer(GraphProto graph, GraphIndex index, string oldName, float[] values, long[] dims, bool mayReplace)
    {
        if (!mayReplace || index.ReaderCount(oldName) != 1)
            return AddInitializer(graph, index.ReserveUniqueName(oldName), values, dims);

        var position = graph.Initializer.Select((tensor, i) => (tensor, i)).First(t => t.tensor.Name == oldName).i;
        graph.Initializer[position] = OnnxTensor.FromFloats(oldName, values, dims);

        // Models older than IR 4 also declare each initializer as a graph input; that declaration must follow the shape.
        foreach (var input in graph.Input.Where(i => i.Name == oldName))
            input.Type = ValueInfos.FloatTensor(oldName, dims.Select(ValueInfos.Fixed)).Type;
        RemoveValueInfo(graph, oldName);
        return oldName;
    }

    private static string AddInitializer(GraphProto graph, string name, float[] values, long[] dims)
    {
        graph.Initializer.Add(OnnxTensor.FromFloats(name, values, dims));
        return name;
    }

    /// <summary>
    /// Drops recorded shapes of the resized tensors (ONNX Runtime infers them again) and sets the class
    /// dimension of the graph outputs among them, which must stay declared.
    /// </summary>
    private static void ForgetOldShapes(GraphProto graph, IEnumerable<string> resizedTensors, int classCount)
    {
        foreach (var tensor in resizedTensors)
            RemoveValueInfo(graph, tensor);

        var outputShapes = graph.Output
            .Where(o => resizedTensors.Contains(o.Name))
            .Select(o => o.Type?.TensorType?.Shape)
            .OfType<TensorShapeProto>()
            .Where(shape => shape.Dim.Count > 0);
        foreach (var shape in outputShapes)
            shape.Dim[^1] = ValueInfos.Fixed(classCount);
    }

    private static void RemoveValueInfo(GraphProto graph, string tensor)
    {
        foreach (var stale in graph.ValueInfo.Where(v => v.Name == tensor).ToList())
            graph.ValueInfo.Remove(stale);
    }

    private static string NameOf(NodeProto node, string fallback) => node.Name.Length > 0 ? node.Name : fallback;

    private static float[] Flatten(float[,] matrix) => matrix.Cast<float>().ToArray();

    private static float[,] Transpose(float[,] matrix)
    {
        var transposed = new float[matrix.GetLength(1), matrix.GetLength(0)];
        for (var r = 0; r < matrix.GetLength(0); r++)
            for (var c = 0; c < matrix.GetLength(1); c++)
                transposed[c, r] = matrix[r, c];
        return transposed;
    }
}
