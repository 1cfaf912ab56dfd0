namespace EdgeMlops.Onnx;

/// <summary>
/// Finds the classifier head: a graph output computed by Gemm, or by MatMul + Add, optionally through a
/// Softmax over the class axis. Weights and bias must be initializers, since they are what gets retrained.
/// </summary>
internal static class HeadLocator
{
    private const string ExpectedShape =
        "the graph must end in Gemm, or MatMul followed by Add, with weights and bias as initializers, optionally followed by Softmax";

    public static HeadMatch Locate(GraphProto graph)
    {
        var index = new GraphIndex(graph);
        var matches = new List<HeadMatch>();
        var mismatches = new List<string>();
        foreach (var output in graph.Output)
        {
            if (TryMatch(index, output.Name, out var reason) is { } match)
                matches.Add(match);
            else
                mismatches.Add(reason);
        }

        // A model may output both the logits and their Softmax; that is still one head, described by the Softmax.
        var heads = matches
            .GroupBy(m => m.FinalLayer, ReferenceEqualityComparer.Instance)
            .Select(g => g.OrderByDescending(m => m.Info.HasSoftmax).First())
            .ToList();

        return heads.Count switch
        {
            1 => heads[0],
            0 => throw new OnnxHeadNotFoundException(
                $"No classifier head found: {ExpectedShape}. Instead, {(mismatches.Count == 0 ? "the graph has no outputs" : string.Join("; ", mismatches))}."),
            _ => throw new OnnxHeadNotFoundException(
                $"Found {heads.Count} classifier heads (outputs {string.Join(", ", heads.Select(h => $"'{h.Info.OutputName}'"))}); expected exactly one."),
        };
    }

    private static HeadMatch? TryMatch(GraphIndex index, string output, out string reason)
    {
        var producer = index.ProducerOf(output);
        if (producer is null)
        {
            reason = $"output '{output}' is not computed by any node";
            return null;
        }

        var logits = output;
        var hasSoftmax = producer.IsStandardOp("Softmax");
        if (hasSoftmax)
        {
            // Opsets before 13 default to axis 1, later ones to -1: the same axis for [N, classes] logits.
            var axis = producer.IntOr("axis", -1);
            if (axis is not (1 or -1))
            {
                reason = $"output '{output}' is a Softmax over axis {axis}, not over the classes";
                return null;
            }

            logits = producer.Input[0];
            producer = index.ProducerOf(logits);
            if (producer is null)
            {
                reason = $"output '{output}' is the Softmax of '{logits}', which is not computed by any node";
                return null;
            }
        }

        var ending = new HeadEnding(output, logits, hasSoftmax);
        var match = producer.IsStandardOp("Gemm") ? MatchGemm(index, producer, ending, out reason)
            : producer.IsStandardOp("Add") ? MatchMatMulAdd(index, producer, ending, out reason)
            : Mismatch<HeadMatch>("that is neither Gemm nor Add", out reason);
        if (match is null)
            reason = $"output '{output}' comes from {(hasSoftmax ? "a Softmax of " : "")}{Describe(producer)}, and {reason}";
        return match;
    }

    private static HeadMatch? MatchGemm(GraphIndex index, NodeProto gemm, HeadEnding ending, out string reason)
    {
        if (gemm.IntOr("transA", 0) != 0)
            return Mismatch<HeadMatch>("transA=1 (an embedding laid out [dim, N]) is not supported", out reason);
        if (index.Initializer(gemm.Input[1]) is not { Dims.Count: 2 } b)
            return Mismatch<HeadMatch>($"its B input '{gemm.Input[1]}' is not a 2-D initializer", out reason);

        var transB = gemm.IntOr("transB", 0) != 0;
        var alpha = gemm.FloatOr("alpha", 1f);
        var beta = gemm.FloatOr("beta", 1f);
        var classes = (int)(transB ? b.Dims[0] : b.Dims[1]);
        var dimension = (int)(transB ? b.Dims[1] : b.Dims[0]);
        var stored = OnnxTensor.ReadFloats(b);
        var weights = new float[classes, dimension];
        for (var c = 0; c < classes; c++)
            for (var d = 0; d < dimension; d++)
                weights[c, d] = alpha * (transB ? stored[c * dimension + d] : stored[d * classes + c]);

        // C is optional since opset 11; without it the logits have no bias.
        var biasName = gemm.Input.Count > 2 && gemm.Input[2].Length > 0 ? gemm.Input[2] : null;
        reason = "";
        var bias = biasName is null ? new float[classes] : ReadBias(index, biasName, classes, beta, out reason);
        return bias is null
            ? null
            : new HeadMatch(ending.Describe(HeadLayerKind.Gemm, gemm.Input[0], weights, bias), gemm, null, b.Name, biasName, 2);
    }

    private static HeadMatch? MatchMatMulAdd(GraphIndex index, NodeProto add, HeadEnding ending, out string reason)
    {
        var biasInputIndex = Enumerable.Range(0, Math.Min(add.Input.Count, 2))
            .Where(i => index.Initializer(add.Input[i]) is not null
                        && index.ProducerOf(add.Input[1 - i]) is { } other && other.IsStandardOp("MatMul"))
            .DefaultIfEmpty(-1)
            .First();
        if (biasInputIndex < 0)
            return Mismatch<HeadMatch>("it does not add an initializer to the output of a MatMul", out reason);

        var matMul = index.ProducerOf(add.Input[1 - biasInputIndex])!;
        if (index.Initializer(matMul.Input[1]) is not { Dims.Count: 2 } w)
            return Mismatch<HeadMatch>($"{Describe(matMul)} does not multiply by a 2-D weight initializer as its second input", out reason);

        var dimension = (int)w.Dims[0];
        var classes = (int)w.Dims[1];
        var stored = OnnxTensor.ReadFloats(w);
        var weights = new float[classes, dimension];
        for (var c = 0; c < classes; c++)
            for (var d = 0; d < dimension; d++)
                weights[c, d] = stored[d * classes + c];

        var biasName = add.Input[biasInputIndex];
        var bias = ReadBias(index, biasName, classes, 1f, out reason);
        return bias is null
            ? null
            : new HeadMatch(ending.Describe(HeadLayerKind.MatMulAdd, matMul.Input[0], weights, bias), add, matMul, w.Name, biasName, biasInputIndex);
    }

    /// <summary>The bias as one value per class, expanding the broadcastable forms [], [1], [classes] and [1, classes].</summary>
    private static float[]? ReadBias(GraphIndex index, string name, int classes, float scale, out string reason)
    {
        var tensor = index.Initializer(name);
        if (tensor is null)
            return Mismatch<float[]>($"its bias '{name}' is not an initializer", out reason);

        var stored = OnnxTensor.ReadFloats(tensor);
        var broadcastsPerClass = stored.Length == classes && tensor.Dims.Count > 0 && tensor.Dims[^1] == classes
                                 && tensor.Dims.SkipLast(1).All(d => d == 1);
        if (!broadcastsPerClass && stored.Length != 1)
            return Mismatch<float[]>($"its bias '{name}' of shape [{string.Join(", ", tensor.Dims)}] does not broadcast to {classes} classes", out reason);

        reason = "";
        return Enumerable.Range(0, classes).Select(c => scale * stored[stored.Length == 1 ? 0 : c]).ToArray();
    }

    private static T? Mismatch<T>(string why, out string reason) where T : class
    {
        reason = why;
        return null;
    }

    private static string Describe(NodeProto node) =>
        node.Name.Length > 0 ? $"{node.OpType} node '{node.Name}'" : $"an unnamed {node.OpType} node";

    private sealed record HeadEnding(string OutputName, string LogitsTensor, bool HasSoftmax)
    {
        public ClassifierHeadInfo Describe(HeadLayerKind layer, string embedding, float[,] weights, float[] bias) =>
            new(layer, embedding, LogitsTensor, OutputName, HasSoftmax, weights, bias);
    }
}
