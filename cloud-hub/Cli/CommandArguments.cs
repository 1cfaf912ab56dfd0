using EdgeMlops.Configuration;
using EdgeMlops.Contracts.Text;
using System.Globalization;

namespace EdgeMlops.CloudHub.Cli;

/// <summary>A command's words after its name: positional values and <c>--name value</c> / <c>--flag</c> options.</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandArguments(List<string> positional) => Positional = positional;

    public IReadOnlyList<string> Positional { get; }

    /// <param name="flags">Options that take no value.</param>
    public static CommandArguments Parse(IEnumerable<string> words, params string[] flags)
    {
        var positional = new List<string>();
        var parsed = new CommandArguments(positional);
        using var e = words.GetEnumerator();
        while (e.MoveNext())
        {
            var word = e.Current;
            if (!word.StartsWith("--", StringComparison.Ordinal) || word.Length == 2)
            {
                positional.Add(word);
                continue;
            }
            var name = word[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (!flags.Contains(name))
            {
                if (!e.MoveNext()) throw new UsageException($"Option --{name} needs a value.");
                value = e.Current;
            }
            if (!parsed._options.TryAdd(name, value)) throw new UsageException($"Option --{name} is given twice.");
        }
        return parsed;
    }

    public bool Flag(string name) { _read.Add(name); return _options.ContainsKey(name); }

    public string? Optional(string name) { _read.Add(name); return _options.GetValueOrDefault(name); }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"Option --{name} is required.");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Optional(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"Option --{name} must be a whole number from {min} to {max}; got '{text}'.");
        return value;
    }

    /// <summary>A duration such as <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c> or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = Optional(name);
        if (text is null) return fallback;
        try { return DurationText.ParsePositive(text, $"--{name}"); }
        catch (FormatException ex) { throw new UsageException(ex.Message); }
    }

    public string PositionalAt(int index, string what) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"Missing {what}.");

    /// <summary>Options nobody asked for are typos; say so instead of silently ignoring them.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(Suggest))}.");
    }

    private string Suggest(string unknown) =>
        NearestWord.Among(unknown, _read) is { } nearest ? $"--{unknown} (did you mean --{nearest}?)" : $"--{unknown}";
}

/// <summary>The command line was wrong; the CLI prints the message and the usage and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
