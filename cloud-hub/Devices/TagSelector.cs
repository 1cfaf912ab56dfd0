using System.Diagnostics.CodeAnalysis;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// A device selector in the Kubernetes label-selector shape: requirements separated by commas, all of which must hold:
/// <c>key=value</c>, <c>key!=value</c> (also true when the device has no such tag), <c>key</c> (the tag exists) and
/// <c>!key</c> (it does not). Example: <c>site=north,camera!=tunnel</c>.
/// </summary>
public sealed class TagSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private TagSelector(string text, IReadOnlyList<Requirement> requirements)
    {
        Text = text;
        _requirements = requirements;
    }

    /// <summary>The selector as written.</summary>
    public string Text { get; }

    /// <summary>Whether a device with <paramref name="tags"/> satisfies every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> tags) => _requirements.All(requirement => requirement.Holds(tags));

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>; false with a problem naming the 1-based character position otherwise.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out TagSelector? selector, [NotNullWhen(false)] out string? problem)
    {
        selector = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "the selector is empty; write requirements such as site=north,camera!=tunnel";
            return false;
        }
        var requirements = new List<Requirement>();
        var start = 0;
        foreach (var part in text.Split(','))
        {
            if (ParseRequirement(part, start, out var requirement) is { } partProblem)
            {
                problem = $"selector '{text}': {partProblem}";
                return false;
            }
            requirements.Add(requirement!);
            start += part.Length + 1;
        }
        selector = new TagSelector(text, requirements);
        problem = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the problem.</summary>
    public static TagSelector Parse(string text) =>
        TryParse(text, out var selector, out var problem) ? selector : throw new FormatException(problem);

    private static string? ParseRequirement(string part, int offset, out Requirement? requirement)
    {
        requirement = null;
        var position = offset + 1; // 1-based, where this requirement starts in the whole selector
        var trimmed = part.Trim();
        if (trimmed.Length == 0)
            return $"empty requirement at position {position} (two commas, or a comma at either end)";
        var lead = part.Length - part.TrimStart().Length;
        position += lead;
        if (trimmed.StartsWith('!') && !trimmed.Contains('='))
        {
            var key = trimmed[1..].Trim();
            return DeviceTags.FindKeyProblem(key) is { } keyProblem
                ? $"bad key after '!' at position {position + 1}: {keyProblem}"
                : Done(new Requirement(key, Operator.Absent, null), out requirement);
        }
        var notEquals = trimmed.IndexOf("!=", StringComparison.Ordinal);
        var equals = trimmed.IndexOf('=');
        if (notEquals < 0 && equals < 0)
        {
            return DeviceTags.FindKeyProblem(trimmed) is { } keyProblem
                ? $"bad key at position {position}: {keyProblem}"
                : Done(new Requirement(trimmed, Operator.Exists, null), out requirement);
        }
        var (split, op, width) = notEquals >= 0 && notEquals < equals ? (notEquals, Operator.NotEquals, 2) : (equals, Operator.Equals, 1);
        if (trimmed.Length > split + width && trimmed[split + width] == '=')
            return $"'==' at position {position + split} is not an operator; use = or !=";
        var name = trimmed[..split].Trim();
        var value = trimmed[(split + width)..].Trim();
        if (DeviceTags.FindKeyProblem(name) is { } nameProblem)
            return $"bad key at position {position}: {nameProblem}";
        if (DeviceTags.FindValueProblem(value) is { } valueProblem)
            return $"bad value at position {position + split + width}: {valueProblem}";
        return Done(new Requirement(name, op, value), out requirement);
    }

    private static string? Done(Requirement made, out Requirement? requirement)
    {
        requirement = made;
        return null;
    }

    private enum Operator { Equals, NotEquals, Exists, Absent }

    private sealed record Requirement(string Key, Operator Op, string? Value)
    {
        public bool Holds(IReadOnlyDictionary<string, string> tags)
        {
            var has = tags.TryGetValue(Key, out var actual);
            return Op switch
            {
                Operator.Equals => has && string.Equals(actual, Value, StringComparison.Ordinal),
                Operator.NotEquals => !has || !string.Equals(actual, Value, StringComparison.Ordinal),
                Operator.Exists => has,
                _ => !has,
            };
        }
    }
}
