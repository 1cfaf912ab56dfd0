namespace EdgeMlops.Onnx;

/// <summary>
/// Builds batch-first image-classifier graphs. Each operation returns the name of the tensor it produces, so
/// the next call takes it as input. Node and tensor names are the lower-case operator plus a counter
/// ("conv1", "relu2"), initializers are named after their node ("conv1.weight"), so graphs read well in Netron.
/// </summary>
/// <example>
/// <code>
/// var b = new GraphBuilder();
/// var x = b.Input("image", 3, 32, 32);
/// x = b.Relu(b.Conv(x, weights, [8, 3, 3, 3], bias, pads: [1, 1, 1, 1]));
/// x = b.Softmax(b.Gemm(b.Flatten(b.GlobalAveragePool(x)), fcWeights, fcBias));
/// var model = b.Output(x, 5).Build();
/// </code>
/// </example>
public sealed class GraphBuilder
{
    /// <summary>The symbolic batch dimension of inputs and outputs, so one model serves any batch size.</summary>
    public const string BatchDimension = "N";

    private readonly GraphProto graph;
    private readonly HashSet<string> usedNames = new(StringComparer.Ordinal);

    public GraphBuilder(string graphName = "classifier")
    {
        graph = new GraphProto { Name = graphName };
    }

    /// <summary>Declares a float graph input of shape [N, ..<paramref name="sampleDims"/>].</summary>
    public string Input(string name, params long[] sampleDims)
    {
        Reserve(name);
        graph.Input.Add(ValueInfos.FloatTensor(name, BatchedShape(sampleDims)));
        return name;
    }

    /// <summary>Adds a constant float tensor (weights, a bias, a scale) under exactly <paramref name="name"/>.</summary>
    public string Initializer(string name, float[] data, long[] dims)
    {
        Reserve(name);
        graph.Initializer.Add(OnnxTensor.FromFloats(name, data, dims));
        return name;
    }

    /// <param name="weightDims">[outChannels, inChannels / group, kernelHeight, kernelWidth].</param>
    /// <param name="pads">[top, left, bottom, right]; none when null.</param>
    public string Conv(string x, float[] weights, long[] weightDims, float[]? bias = null,
        int[]? strides = null, int[]? pads = null, int group = 1)
    {
        var name = NextNodeName("Conv");
        var inputs = new List<string> { x, AddInitializer($"{name}.weight", weights, weightDims) };
        if (bias is not null)
            inputs.Add(AddInitializer($"{name}.bias", bias, [bias.Length]));

        var attributes = new List<AttributeProto>
        {
            OnnxAttribute.Ints("kernel_shape", weightDims.Skip(2)),
            OnnxAttribute.Int("group", group),
        };
        if (strides is not null)
            attributes.Add(OnnxAttribute.Ints("strides", strides.Select(s => (long)s)));
        if (pads is not null)
            attributes.Add(OnnxAttribute.Ints("pads", pads.Select(p => (long)p)));
        return AddNode("Conv", name, inputs, attributes);
    }

    public string Relu(string x) => Node("Relu", [x]);

    public string Abs(string x) => Node("Abs", [x]);

    public string Sqrt(string x) => Node("Sqrt", [x]);

    public string MaxPool(string x, int[] kernelShape, int[]? strides = null, int[]? pads = null) =>
        Pool("MaxPool", x, kernelShape, strides, pads);

    public string AveragePool(string x, int[] kernelShape, int[]? strides = null, int[]? pads = null) =>
        Pool("AveragePool", x, kernelShape, strides, pads);

    public string GlobalAveragePool(string x) => Node("GlobalAveragePool", [x]);

    public string Flatten(string x, int axis = 1) => Node("Flatten", [x], OnnxAttribute.Int("axis", axis));

    /// <summary>A fully connected layer: alpha · x · op(W) + beta · bias.</summary>
    /// <param name="weights">Row-major [outFeatures, inFeatures] when <paramref name="transB"/> (the PyTorch
    /// layout), otherwise [inFeatures, outFeatures].</param>
    /// <param name="bias">One value per output feature; its length fixes outFeatures.</param>
    public string Gemm(string x, float[] weights, float[] bias, bool transB = true, float alpha = 1f, float beta = 1f)
    {
        if (bias.Length == 0 || weights.Length % bias.Length != 0)
            throw new ArgumentException($"{weights.Length} weights do not form a matrix with {bias.Length} output features.", nameof(weights));

        var name = NextNodeName("Gemm");
        long outFeatures = bias.Length;
        long inFeatures = weights.Length / bias.Length;
        long[] weightDims = transB ? [outFeatures, inFeatures] : [inFeatures, outFeatures];
        var inputs = new List<string>
        {
            x,
            AddInitializer($"{name}.weight", weights, weightDims),
            AddInitializer($"{name}.bias", bias, [outFeatures]),
        };

        var attributes = new List<AttributeProto> { OnnxAttribute.Int("transB", transB ? 1 : 0) };
        if (alpha != 1f)
            attributes.Add(OnnxAttribute.Float("alpha", alpha));
        if (beta != 1f)
            attributes.Add(OnnxAttribute.Float("beta", beta));
        return AddNode("Gemm", name, inputs, attributes);
    }

    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    public string Add(string a, string b) => Node("Add", [a, b]);

    public string Sub(string a, string b) => Node("Sub", [a, b]);

    public string Mul(string a, string b) => Node("Mul", [a, b]);

    public string Div(string a, string b) => Node("Div", [a, b]);

    public string Concat(int axis, params string[] inputs) => Node("Concat", inputs, OnnxAttribute.Int("axis", axis));

    /// <param name="shape">The target shape; 0 copies the input's dimension and -1 infers one, as in ONNX.</param>
    public string Reshape(string x, params long[] shape)
    {
        var name = NextNodeName("Reshape");
        var shapeName = UniqueName($"{name}.shape");
        graph.Initializer.Add(OnnxTensor.FromInt64s(shapeName, shape, shape.Length));
        return AddNode("Reshape", name, [x, shapeName], []);
    }

    public string Softmax(string x, int axis = -1, string? name = null) =>
        Named("Softmax", name, [x], OnnxAttribute.Int("axis", axis));

    /// <summary>Scales each vector along <paramref name="axis"/> to unit Lp norm (p is 1 or 2).</summary>
    public string LpNormalization(string x, int axis = -1, int p = 2, string? name = null) =>
        Named("LpNormalization", name, [x], OnnxAttribute.Int("axis", axis), OnnxAttribute.Int("p", p));

    /// <summary>Any single-output operator of the standard domain, for what has no dedicated method.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        AddNode(opType, NextNodeName(opType), inputs, attributes);

    /// <summary>
    /// A node whose output tensor is called <paramref name="name"/> (generated when null): graph outputs and
    /// embeddings deserve names that consumers can rely on, such as "probabilities".
    /// </summary>
    public string Named(string opType, string? name, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        if (name is null) return Node(opType, inputs, attributes);
        Reserve(name);
        return AddNode(opType, name, inputs, attributes);
    }

    /// <summary>Declares <paramref name="tensor"/> a float graph output of shape [N, ..<paramref name="sampleDims"/>].</summary>
    public GraphBuilder Output(string tensor, params long[] sampleDims)
    {
        if (!usedNames.Contains(tensor))
            throw new ArgumentException($"No tensor named '{tensor}' has been built.", nameof(tensor));
        graph.Output.Add(ValueInfos.FloatTensor(tensor, BatchedShape(sampleDims)));
        return this;
    }

    /// <summary>
    /// A model holding a copy of the graph built so far, importing the default ONNX domain at
    /// <paramref name="opsetVersion"/> with the lowest IR version that allows it (8 for opset 17).
    /// </summary>
    public ModelProto Build(int opsetVersion = 17, string producerName = "EdgeMlops", long modelVersion = 1, string? docString = null)
    {
        if (graph.Output.Count == 0)
            throw new InvalidOperationException("The graph has no output; call Output() first.");

        var model = new ModelProto
        {
            IrVersion = IrVersionFor(opsetVersion),
            ProducerName = producerName,
            ModelVersion = modelVersion,
            Graph = graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opsetVersion });
        if (docString is not null)
            model.DocString = docString;
        return model;
    }

    // ONNX Runtime refuses a model whose IR version predates the opset it imports.
    private static long IrVersionFor(int opsetVersion) => opsetVersion switch
    {
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        _ => 11,
    };

    private string Pool(string opType, string x, int[] kernelShape, int[]? strides, int[]? pads)
    {
        var attributes = new List<AttributeProto> { OnnxAttribute.Ints("kernel_shape", kernelShape.Select(k => (long)k)) };
        if (strides is not null)
            attributes.Add(OnnxAttribute.Ints("strides", strides.Select(s => (long)s)));
        if (pads is not null)
            attributes.Add(OnnxAttribute.Ints("pads", pads.Select(p => (long)p)));
        return Node(opType, [x], [.. attributes]);
    }

    private string AddNode(string opType, string name, IReadOnlyList<string> inputs, IEnumerable<AttributeProto> attributes)
    {
        // An empty name stands for an omitted optional input.
        foreach (var input in inputs.Where(i => i.Length > 0 && !usedNames.Contains(i)))
            throw new ArgumentException($"{opType} node '{name}' takes '{input}', which has not been built.", nameof(inputs));

        // The node and its output share a name: ONNX keeps the two in separate namespaces.
        var node = new NodeProto { Name = name, OpType = opType, Output = { name } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return name;
    }

    private string AddInitializer(string preferredName, float[] data, long[] dims)
    {
        var name = UniqueName(preferredName);
        graph.Initializer.Add(OnnxTensor.FromFloats(name, data, dims));
        return name;
    }

    private string NextNodeName(string opType)
    {
        var prefix = opType.ToLowerInvariant();
        for (var counter = 1; ; counter++)
        {
            var name = $"{prefix}{counter}";
            if (usedNames.Add(name))
                return name;
        }
    }

    private string UniqueName(string preferredName)
    {
        var name = preferredName;
        for (var counter = 2; !usedNames.Add(name); counter++)
            name = $"{preferredName}_{counter}";
        return name;
    }

    private void Reserve(string name)
    {
        if (!usedNames.Add(name))
            throw new ArgumentException($"The name '{name}' is already used in this graph.", nameof(name));
    }

    private static IEnumerable<TensorShapeProto.Types.Dimension> BatchedShape(long[] sampleDims) =>
        sampleDims.Select(ValueInfos.Fixed).Prepend(ValueInfos.Symbolic(BatchDimension));
}
