namespace EdgeMlops.Onnx;

/// <summary>
/// A snapshot of who produces and who reads each tensor of a graph, taken before a rewrite so that decisions
/// (is this initializer shared? is this name free?) see the graph as it was given.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> readerCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);
    private readonly HashSet<string> takenNames = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        foreach (var initializer in graph.Initializer)
            initializers.TryAdd(initializer.Name, initializer);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
                producers.TryAdd(output, node);
            foreach (var input in node.Input.Where(i => i.Length > 0))
                CountReader(input);
        }

        foreach (var output in graph.Output)
            CountReader(output.Name);

        // If/Loop/Scan bodies may read tensors of this graph by name. A conservative count (any name a
        // subgraph mentions) can only make a rewrite copy a tensor it could have replaced, never break one.
        foreach (var name in SubgraphsOf(graph).SelectMany(NamesIn).Distinct())
            CountReader(name);

        takenNames.UnionWith(NamesIn(graph));
        takenNames.UnionWith(SubgraphsOf(graph).SelectMany(NamesIn));
    }

    public NodeProto? ProducerOf(string tensor) => producers.GetValueOrDefault(tensor);

    public TensorProto? Initializer(string name) => initializers.GetValueOrDefault(name);

    /// <summary>How many places read the tensor: each node input slot, each graph output, and subgraphs.</summary>
    public int ReaderCount(string tensor) => readerCounts.GetValueOrDefault(tensor);

    public bool IsNameTaken(string name) => takenNames.Contains(name);

    /// <summary>Returns <paramref name="preferredName"/>, or it with a numeric suffix, and marks it taken.</summary>
    public string ReserveUniqueName(string preferredName)
    {
        var name = preferredName;
        for (var counter = 2; !takenNames.Add(name); counter++)
            name = $"{preferredName}_{counter}";
        return name;
    }

    private void CountReader(string tensor) => readerCounts[tensor] = ReaderCount(tensor) + 1;

    private static IEnumerable<string> NamesIn(GraphProto graph) =>
        graph.Initializer.Select(i => i.Name)
            .Concat(graph.Input.Concat(graph.Output).Concat(graph.ValueInfo).Select(v => v.Name))
            .Concat(graph.Node.SelectMany(n => n.Input.Concat(n.Output).Append(n.Name)))
            .Where(name => name.Length > 0);

    private static IEnumerable<GraphProto> SubgraphsOf(GraphProto graph) =>
        graph.Node
            .SelectMany(n => n.Attribute)
            .SelectMany(a => a.Graphs.Concat(a.G is null ? [] : [a.G]))
            .SelectMany(g => SubgraphsOf(g).Prepend(g));
}
