using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace EdgeMlops.Configuration;

/// <summary>
/// Refuses configuration the host would silently ignore or crash on: a key no options class reads (a typo such as
/// <c>--Sync:Pasword</c> or <c>--camer</c>), or a value the binder cannot convert (<c>--Agent:Duration=abc</c>).
/// Every key given on the command line and in settings files is checked; environment variables only below the host's
/// own sections, because the environment holds many variables that are not meant for us.
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>Every problem found, each naming the key, where it came from and the nearest valid key; empty when none.</summary>
    /// <param name="aliases">Short command-line options (<c>--db</c>) offered as suggestions beside the keys.</param>
    public static IReadOnlyList<string> Problems(IConfigurationRoot configuration, ConfigurationKeys keys, IEnumerable<string> aliases)
    {
        var problems = new List<string>();
        foreach (var provider in configuration.Providers)
        {
            var onCommandLine = provider is CommandLineConfigurationProvider;
            var origin = provider switch
            {
                CommandLineConfigurationProvider => null,
                FileConfigurationProvider file => file.Source.Path,
                EnvironmentVariablesConfigurationProvider => "the environment",
                _ => (string?)"skip",
            };
            if (origin == "skip")
                continue;
            foreach (var (key, value) in Leaves(provider, null))
            {
                if (provider is EnvironmentVariablesConfigurationProvider && !keys.TopLevelSections.Contains(key.Split(':')[0], StringComparer.OrdinalIgnoreCase))
                    continue;
                var shown = onCommandLine ? $"--{key}" : $"'{key}' (in {origin})";
                if (!keys.IsKnown(key, out var type))
                {
                    var nearest = keys.Nearest(key, onCommandLine ? aliases.Select(a => a.TrimStart('-')) : []);
                    problems.Add($"unknown {(onCommandLine ? "option" : "setting")} {shown}" +
                        (nearest is null ? "" : $"; did you mean {(onCommandLine ? "--" + nearest : "'" + nearest + "'")}?"));
                }
                else if (type is not null && !ConfigurationKeys.Converts(value, type))
                {
                    problems.Add($"invalid value '{value}' for {shown}: expected {Describe(type)}");
                }
            }
        }
        return problems.Distinct().ToList();
    }

    /// <summary>The keys with a value that <paramref name="provider"/> holds.</summary>
    private static IEnumerable<(string Key, string Value)> Leaves(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parent is null ? child : $"{parent}:{child}";
            if (provider.TryGet(key, out var value) && value is not null)
                yield return (key, value);
            foreach (var below in Leaves(provider, key))
                yield return below;
        }
    }

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsEnum)
            return $"one of {string.Join(", ", Enum.GetNames(target))}";
        if (target == typeof(TimeSpan))
            return "a time span such as 00:00:30";
        if (target == typeof(bool))
            return "true or false";
        if (target == typeof(int) || target == typeof(long) || target == typeof(short) || target == typeof(byte))
            return "a whole number";
        if (target == typeof(double) || target == typeof(float) || target == typeof(decimal))
            return "a number";
        return $"a {target.Name}";
    }
}

/// <summary>The configuration names keys that no part of the host reads, or values it cannot convert; the host exits with code 2.</summary>
public sealed class ConfigurationKeyException(IReadOnlyList<string> problems)
    : Exception(string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <exception cref="ConfigurationKeyException">At least one problem was found.</exception>
    public static void ThrowIfAny(IConfigurationRoot configuration, ConfigurationKeys keys, IEnumerable<string> aliases)
    {
        var problems = ConfigurationCheck.Problems(configuration, keys, aliases);
        if (problems.Count > 0)
            throw new ConfigurationKeyException(problems);
    }
}
