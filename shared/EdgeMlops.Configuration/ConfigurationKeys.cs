using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EdgeMlops.Configuration;

/// <summary>
/// Every configuration key a host reads, found by walking the properties of its options classes (list elements as
/// <c>Cameras:N:Source</c>), plus sections read as a whole (<c>Logging</c>). Keys compare case-insensitively, like
/// the configuration binder.
/// </summary>
public sealed class ConfigurationKeys
{
    private const int MaxDepth = 8;
    private readonly Node _root = new();
    private readonly List<string[]> _leaves = [];

    /// <param name="sections">The bound sections.</param>
    /// <param name="openSections">Sections whose keys are not ours to check (<c>Logging</c>: any category).</param>
    public ConfigurationKeys(IEnumerable<BoundSection> sections, IEnumerable<string> openSections)
    {
        foreach (var section in sections)
            Walk(Descend(section.Path), section.OptionsType, [.. Segments(section.Path)], 0);
        foreach (var open in openSections)
        {
            Descend(open).Open = true;
            _leaves.Add([.. Segments(open), "..."]);
        }
    }

    /// <summary>The first segment of every section: environment variables are checked only below these.</summary>
    public IReadOnlyCollection<string> TopLevelSections => _root.Children.Keys;

    /// <summary>Whether <paramref name="key"/> is read by the host; <paramref name="valueType"/> is its type for a leaf (null below an open section).</summary>
    public bool IsKnown(string key, out Type? valueType)
    {
        valueType = null;
        var node = _root;
        foreach (var segment in Segments(key))
        {
            if (node.Open)
                return true;
            if (node.Index is { } element && IsIndex(segment))
                node = element;
            else if (!node.Children.TryGetValue(segment, out node!))
                return false;
        }
        valueType = node.Leaf;
        return node.Open || node.Leaf is not null;
    }

    /// <summary>The valid key closest to <paramref name="key"/> by edit distance, or to its last word for a one-word key (<c>source</c> finds <c>Cameras:0:Source</c>).</summary>
    public string? Nearest(string key, IEnumerable<string> extraCandidates)
    {
        var segments = Segments(key).ToArray();
        var candidates = _leaves.Select(leaf => Instantiate(leaf, segments)).Concat(extraCandidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = NearestWord.Distance(key, candidate);
            if (segments.Length == 1)
                distance = Math.Min(distance, NearestWord.Distance(key, candidate[(candidate.LastIndexOf(':') + 1)..]) + 1);
            if (distance < bestDistance)
                (best, bestDistance) = (candidate, distance);
        }
        return best;
    }

    /// <summary>Whether <paramref name="value"/> converts to <paramref name="type"/> the way the configuration binder converts it.</summary>
    public static bool Converts(string value, Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && value.Length == 0)
            return true;
        var target = underlying ?? type;
        if (target == typeof(string) || target == typeof(object))
            return true;
        try
        {
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException
                                       || ex.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private void Walk(Node node, Type type, List<string> path, int depth)
    {
        if (IsLeaf(type))
        {
            node.Leaf = type;
            _leaves.Add([.. path]);
            return;
        }
        if (depth >= MaxDepth)
            return;
        if (DictionaryValueType(type) is not null)
        {
            node.Open = true;
            _leaves.Add([.. path, "..."]);
            return;
        }
        if (ElementType(type) is { } element)
        {
            node.Index ??= new Node();
            Walk(node.Index, element, [.. path, "#"], depth + 1);
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                continue;
            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            if (!node.Children.TryGetValue(name, out var child))
                node.Children[name] = child = new Node();
            Walk(child, property.PropertyType, [.. path, name], depth + 1);
        }
    }

    private static bool IsLeaf(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(object)
               || TypeDescriptor.GetConverter(target).CanConvertFrom(typeof(string));
    }

    private static Type? DictionaryValueType(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
        ?.GetGenericArguments()[1];

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        if (!typeof(IEnumerable).IsAssignableFrom(type))
            return null;
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private Node Descend(string path)
    {
        var node = _root;
        foreach (var segment in Segments(path))
        {
            if (!node.Children.TryGetValue(segment, out var child))
                node.Children[segment] = child = new Node();
            node = child;
        }
        return node;
    }

    private static string Instantiate(string[] leaf, string[] key) =>
        string.Join(':', leaf.Select((segment, i) => segment == "#" ? (i < key.Length && IsIndex(key[i]) ? key[i] : "0") : segment));

    private static bool IsIndex(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);

    private static IEnumerable<string> Segments(string key) => key.Split(':');

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Node? Index { get; set; }
        public Type? Leaf { get; set; }
        public bool Open { get; set; }
    }
}
