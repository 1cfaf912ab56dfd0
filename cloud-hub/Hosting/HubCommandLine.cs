namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// The hub service's command line: <c>cloud-hub [serve] [--db PATH] [--broker URL] [--mqtt-listen HOST:PORT]
/// [--http URL]</c>, plus any configuration key as <c>--Hub:Section:Key=VALUE</c> (or <c>--Hub:Section:Key VALUE</c>).
/// </summary>
public static class HubCommandLine
{
    /// <summary>The short options and the configuration keys they set.</summary>
    public static IDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--db"] = "Hub:Store:Path",
        ["--broker"] = "Hub:Broker:Url",
        ["--mqtt-listen"] = "Hub:Broker:Listen",
        ["--http"] = "Hub:Http:Url",
    };

    public const string Usage =
        "usage: cloud-hub [serve] [--db PATH] [--broker mqtt://HOST:PORT] [--mqtt-listen HOST:PORT] [--http URL] [--Hub:KEY=VALUE ...]";

    /// <summary>Whether <paramref name="args"/> asks for the hub service rather than an operator command.</summary>
    public static bool IsServe(string[] args) =>
        args.Length == 0 || args[0] == "serve" || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] is not "--help");

    /// <summary>The arguments after <c>serve</c>, checked to be <c>--key value</c> or <c>--key=value</c> pairs.</summary>
    /// <exception cref="FormatException">A word is not part of an option.</exception>
    public static string[] OptionsOf(string[] args)
    {
        var options = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
        for (var i = 0; i < options.Length; i++)
        {
            var word = options[i];
            if (!word.StartsWith("--", StringComparison.Ordinal) || word.Length == 2)
                throw new FormatException($"unexpected argument '{word}'");
            if (word.Contains('='))
                continue;
            if (i + 1 >= options.Length || options[i + 1].StartsWith("--", StringComparison.Ordinal))
                throw new FormatException($"option {word} needs a value");
            i++;
        }
        return options;
    }
}
