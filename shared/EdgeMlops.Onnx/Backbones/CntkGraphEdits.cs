namespace EdgeMlops.Onnx.Backbones;

/// <summary>
/// The rewrites that turn a CNTK-exported, fixed-size image featurizer into a graph that runs at any input size
/// and batch. Each edit changes nothing at the size the model was exported for; tests hold them to that.
/// </summary>
public static class CntkGraphEdits
{
    /// <summary>
    /// Declares the first graph input [N, C, height, width] with symbolic batch and spatial dimensions, and drops
    /// the exporter's value_info: those intermediate shapes were computed for the fixed size and would contradict
    /// any other. ONNX Runtime infers them again on load.
    /// </summary>
    public static void MakeInputSizeDynamic(ModelProto model, string heightName = "height", string widthName = "width")
    {
        var dims = model.Graph.Input[0].Type.TensorType.Shape.Dim;
        if (dims.Count != 4)
            throw new InvalidOperationException($"Input '{model.Graph.Input[0].Name}' has {dims.Count} dimensions; an image input has 4 (NCHW).");

        dims[0] = ValueInfos.Symbolic(GraphBuilder.BatchDimension);
        dims[2] = ValueInfos.Symbolic(heightName);
        dims[3] = ValueInfos.Symbolic(widthName);
        model.Graph.ValueInfo.Clear();
    }

    /// <summary>
    /// Replaces the graph's final AveragePool, whose kernel equals the feature map at the export size (7x7 at
    /// 224), with GlobalAveragePool + Flatten, so it pools whatever map a different input size gives, and
    /// declares the flattened vector the graph output [N, <paramref name="channels"/>] under
    /// <paramref name="outputName"/>.
    /// </summary>
    public static void GlobalPoolTheOutput(ModelProto model, long channels, string outputName)
    {
        var graph = model.Graph;
        var output = graph.Output.Single();
        var pool = graph.Node.SingleOrDefault(n => n.Output.Contains(output.Name) && n.IsStandardOp("AveragePool"))
            ?? throw new InvalidOperationException($"Output '{output.Name}' is not produced by an AveragePool.");
        if (pool.Attribute.FirstOrDefault(a => a.Name == "pads") is { } pads && pads.Ints.Any(p => p != 0))
            throw new InvalidOperationException($"AveragePool '{pool.Name}' pads its input; a global pool would not be equivalent.");

        var index = graph.Node.IndexOf(pool);
        var pooled = pool.Output[0];
        graph.Node[index] = new NodeProto { Name = pool.Name, OpType = "GlobalAveragePool", Input = { pool.Input[0] }, Output = { pooled } };
        graph.Node.Insert(index + 1, new NodeProto
        {
            Name = outputName,
            OpType = "Flatten",
            Input = { pooled },
            Output = { outputName },
            Attribute = { OnnxAttribute.Int("axis", 1) },
        });

        graph.Output.Clear();
        graph.Output.Add(ValueInfos.FloatTensor(outputName,
            [ValueInfos.Symbolic(GraphBuilder.BatchDimension), ValueInfos.Fixed(channels)]));
    }

    /// <summary>
    /// CNTK pads strided convolutions and pools at the start only (pads [1, 1, 0, 0] for a 3x3 kernel, stride 2):
    /// at an even input size the end padding is never read, so making it symmetric changes no output there, and
    /// at an odd size the output covers the last row and column too (ceil(n / 2)), as other frameworks do. Returns how many nodes changed.
    /// </summary>
    public static int MakeStridedPaddingSymmetric(ModelProto model)
    {
        var changed = 0;
        foreach (var node in model.Graph.Node.Where(n => n.IsStandardOp("Conv") || n.IsStandardOp("MaxPool")))
        {
            var strides = node.Attribute.FirstOrDefault(a => a.Name == "strides");
            var pads = node.Attribute.FirstOrDefault(a => a.Name == "pads");
            if (strides is null || pads is null || strides.Ints.All(s => s == 1)) continue;

            var spatial = pads.Ints.Count / 2;
            var symmetric = pads.Ints.Take(spatial).Concat(pads.Ints.Take(spatial)).ToList();
            if (symmetric.SequenceEqual(pads.Ints)) continue;

            pads.Ints.Clear();
            pads.Ints.AddRange(symmetric);
            changed++;
        }
        return changed;
    }
}
