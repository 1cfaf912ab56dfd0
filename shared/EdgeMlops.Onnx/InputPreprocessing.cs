namespace EdgeMlops.Onnx;

/// <summary>
/// How raw crop bytes become a classifier's float input: the host hands over uint8 pixels laid out NHWC (OpenCV's
/// B,G,R order, already at the model's width and height), the graph does the rest.
/// </summary>
/// <param name="Width">The model input's width; the host resizes to it.</param>
/// <param name="Height">The model input's height.</param>
/// <param name="Channels">1 (grey) or 3 (colour).</param>
/// <param name="ReverseChannels">True when the model wants R,G,B: the host's bytes are B,G,R.</param>
/// <param name="Gain">Per model channel: value * gain + offset (scale / std).</param>
/// <param name="Offset">Per model channel: -mean / std.</param>
public sealed record ImageInputPreprocessing(int Width, int Height, int Channels, bool ReverseChannels, IReadOnlyList<float> Gain, IReadOnlyList<float> Offset);

/// <summary>
/// Prepends preprocessing to a classifier graph (Cast -> Transpose NHWC to NCHW -> channel order -> Mul gain ->
/// Add offset), so that the host only copies each crop's bytes and the accelerator does the arithmetic: a quarter
/// of the bytes to move (uint8 instead of float) and no per-pixel work on the host.
/// </summary>
public static class InputPreprocessing
{
    /// <summary>The name of the uint8 [N, H, W, C] input of a graph built by <see cref="Prepend"/>.</summary>
    public const string DefaultInputName = "crops_uint8";

    private const string Prefix = "preprocess.";

    /// <summary>
    /// A copy of <paramref name="model"/> whose float input <paramref name="modelInput"/> is computed from a new
    /// uint8 input <paramref name="newInput"/> of shape [N, Height, Width, Channels].
    /// </summary>
    /// <param name="exposeModelInput">Also declare the computed float input a graph output, so a caller can check
    /// the graph's preprocessing against its own (it is only fetched when asked for).</param>
    /// <exception cref="ArgumentException">The model has no such input, its shape disagrees with
    /// <paramref name="spec"/>, or a name this method adds is already taken.</exception>
    public static ModelProto Prepend(ModelProto model, string modelInput, ImageInputPreprocessing spec,
        string newInput = DefaultInputName, bool exposeModelInput = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        Validate(spec);
        var result = model.Clone();
        var graph = result.Graph ?? throw new ArgumentException("The model has no graph.", nameof(model));

        var input = graph.Input.FirstOrDefault(i => i.Name == modelInput)
            ?? throw new ArgumentException(
                $"The model has no input '{modelInput}' (inputs: {string.Join(", ", graph.Input.Select(i => i.Name))}).", nameof(modelInput));
        if (graph.Initializer.Any(t => t.Name == modelInput))
            throw new ArgumentException($"Input '{modelInput}' is also an initializer (a constant): it cannot be fed preprocessed crops.", nameof(modelInput));
        var batch = CheckInput(input, spec);

        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in graph.Node) { taken.UnionWith(n.Input); taken.UnionWith(n.Output); taken.Add(n.Name); }
        taken.UnionWith(graph.Input.Select(i => i.Name));
        taken.UnionWith(graph.Initializer.Select(i => i.Name));
        if (taken.Contains(newInput))
            throw new ArgumentException($"The model already uses the name '{newInput}'; choose another name for the uint8 input.", nameof(newInput));
        foreach (var name in taken.Where(t => t.StartsWith(Prefix, StringComparison.Ordinal)))
            throw new ArgumentException($"The model already has preprocessing names ('{name}'): was it prepended before?", nameof(model));

        int opset = (int)(result.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0);
        // Cast's 'to' attribute became an integer in opset 6; Transpose, Gather, Mul and Add are older.
        if (opset < 7)
            throw new ArgumentException($"The model imports ONNX opset {opset}; preprocessing needs opset 7 or later.", nameof(model));

        int index = graph.Input.IndexOf(input);
        graph.Input.RemoveAt(index);
        graph.Input.Insert(index, Uint8Input(newInput, batch, spec));

        long c = spec.Channels;
        var nodes = new List<NodeProto>();
        string x = Node(nodes, "Cast", "cast", [newInput], OnnxAttribute.Int("to", (long)TensorProto.Types.DataType.Float));
        x = Node(nodes, "Transpose", "nchw", [x], OnnxAttribute.Ints("perm", [0, 3, 1, 2]));
        if (spec.ReverseChannels && spec.Channels == 3)
        {
            graph.Initializer.Add(OnnxTensor.FromInt64s(Prefix + "channel_order", [2, 1, 0], 3));
            x = Node(nodes, "Gather", "reordered", [x, Prefix + "channel_order"], OnnxAttribute.Int("axis", 1));
        }
        graph.Initializer.Add(OnnxTensor.FromFloats(Prefix + "gain", spec.Gain.ToArray(), 1, c, 1, 1));
        graph.Initializer.Add(OnnxTensor.FromFloats(Prefix + "offset", spec.Offset.ToArray(), 1, c, 1, 1));
        x = Node(nodes, "Mul", "scaled", [x, Prefix + "gain"]);
        // The last node writes the model's own input tensor, so the original graph is untouched below it.
        nodes.Add(new NodeProto { Name = Prefix + "normalised", OpType = "Add", Input = { x, Prefix + "offset" }, Output = { modelInput } });
        for (int i = nodes.Count - 1; i >= 0; i--)
            graph.Node.Insert(0, nodes[i]);

        if (exposeModelInput && graph.Output.All(o => o.Name != modelInput))
            graph.Output.Add(ValueInfos.FloatTensor(modelInput, [batch, ValueInfos.Fixed(c), ValueInfos.Fixed(spec.Height), ValueInfos.Fixed(spec.Width)]));
        return result;
    }

    private static void Validate(ImageInputPreprocessing spec)
    {
        if (spec.Width <= 0 || spec.Height <= 0)
            throw new ArgumentException($"Preprocessing size {spec.Width}x{spec.Height} must be positive.", nameof(spec));
        if (spec.Channels is not (1 or 3))
            throw new ArgumentException($"Preprocessing handles 1 or 3 channels, not {spec.Channels}.", nameof(spec));
        if (spec.Gain.Count != spec.Channels || spec.Offset.Count != spec.Channels)
            throw new ArgumentException(
                $"Preprocessing for {spec.Channels} channels needs as many gains and offsets; got {spec.Gain.Count} and {spec.Offset.Count}.", nameof(spec));
    }

    /// <summary>Checks the model input is float NCHW and agrees with the spec where it is fixed; returns its batch dimension.</summary>
    private static TensorShapeProto.Types.Dimension CheckInput(ValueInfoProto input, ImageInputPreprocessing spec)
    {
        var tensor = input.Type?.TensorType;
        if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new ArgumentException($"Input '{input.Name}' is not a float tensor; preprocessing produces float.", nameof(input));
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count != 4)
            throw new ArgumentException($"Input '{input.Name}' must be 4-D NCHW; it declares {dims?.Count ?? 0} dimensions.", nameof(input));
        long[] expected = [0, spec.Channels, spec.Height, spec.Width];
        for (int i = 1; i < 4; i++)
            if (dims[i].HasDimValue && dims[i].DimValue != expected[i])
                throw new ArgumentException(
                    $"Input '{input.Name}' has shape [{string.Join(",", dims.Select(Describe))}], preprocessing produces [N,{spec.Channels},{spec.Height},{spec.Width}].",
                    nameof(input));
        return dims[0].Clone();
    }

    private static string Describe(TensorShapeProto.Types.Dimension d) => d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam;

    private static ValueInfoProto Uint8Input(string name, TensorShapeProto.Types.Dimension batch, ImageInputPreprocessing spec)
    {
        var info = ValueInfos.FloatTensor(name, [batch, ValueInfos.Fixed(spec.Height), ValueInfos.Fixed(spec.Width), ValueInfos.Fixed(spec.Channels)]);
        info.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Uint8;
        return info;
    }

    private static string Node(List<NodeProto> nodes, string opType, string suffix, string[] inputs, params AttributeProto[] attributes)
    {
        var name = Prefix + suffix;
        var node = new NodeProto { Name = name, OpType = opType, Output = { name } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        nodes.Add(node);
        return name;
    }
}
